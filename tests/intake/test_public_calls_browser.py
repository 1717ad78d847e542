"""The public call page in a real headless browser (Debian's chromium driven by Playwright,
as tests/operations/test_browser.py does): headings, the deadline in Norwegian, the criteria
table, a document link that downloads, basic accessibility checks, at 420 and 1280 px wide.
Screenshots: artifacts/public-call-420.png and artifacts/public-call-1280.png."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests.intake.builders import OFFICER
from tests.operations.test_browser import ARGS, ARTIFACTS, CHROMIUM

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = b"%PDF-1.7\n% soknadsmal\n" + b"0" * 48_000

# Run in the page: what an automated accessibility check would look at first.
AUDIT = """() => ({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll('h1').length,
  imagesWithoutAlt: [...document.images].filter(i => !i.hasAttribute('alt')).length,
  tablesWithoutCaption: [...document.querySelectorAll('table')].filter(t => !t.caption).length,
  headerCellsWithoutScope: [...document.querySelectorAll('th')].filter(t => !t.scope).length,
  linksWithoutText: [...document.links].filter(a => !a.textContent.trim()).length,
  scripts: document.scripts.length,
  skipTarget: !!document.querySelector(document.querySelector('a.skip').getAttribute('href')),
  headings: [...document.querySelectorAll('h1, h2')].map(h => h.tagName + ' ' + h.textContent),
  overflowX: document.documentElement.scrollWidth > window.innerWidth,
})"""


def _console_error(errors: list[str], message: Any) -> None:
    if message.type == "error":
        errors.append(message.text)


async def _call(client: Any) -> str:
    created = await client.post(
        "/v1/calls",
        json={
            "code": "SIRK-2026",
            "scheme": "circular_value_chains",
            "title": {
                "nb": "Samarbeidsprosjekter for sirkulære verdikjeder 2026",
                "en": "Collaboration projects for circular value chains 2026",
            },
            "description": {
                "nb": "Konsortier med minst tre bedrifter kan søke om støtte til prosjekter "
                "som gir industriell symbiose, nye sirkulære verdikjeder eller mindre bruk "
                "av jomfruelige råvarer.\nProsjektene skal kunne spres og skaleres nasjonalt "
                "og internasjonalt.",
                "en": "Consortia of at least three companies may apply for support for "
                "projects that achieve industrial symbiosis, new circular value chains or "
                "less use of virgin raw materials.",
            },
            "opens_at_local": "2026-02-02T09:00:00",
            "deadline_local": "2026-12-15T16:00:00",
            "budget_frame_nok": 25_000_000,
        },
        headers=OFFICER,
    )
    assert created.status_code == 201, created.text
    call_id = str(created.json()["id"])
    for kind, name, media, data in (
        ("application_template", "søknadsmal.pdf", "application/pdf", TEMPLATE[:20_000]),
        ("application_template", "søknadsmal-v2.pdf", "application/pdf", TEMPLATE),
        ("budget_template", "budsjettmal.xlsx", XLSX, b"PK\x03\x04" + b"1" * 12_000),
        ("guide", "veiledning.pdf", "application/pdf", b"%PDF-1.7 " + b"g" * 2_400_000),
    ):
        uploaded = await client.post(
            f"/v1/calls/{call_id}/documents",
            params={"kind": kind, "filename": name},
            content=data,
            headers={**OFFICER, "Content-Type": media},
        )
        assert uploaded.status_code == 201, uploaded.text
    published = await client.post(f"/v1/calls/{call_id}/publish", headers=OFFICER)
    assert published.status_code == 200, published.text
    return call_id


@pytest.mark.skipif(not CHROMIUM.exists(), reason="apt-get install chromium")
async def test_the_public_call_page_reads_well_in_a_browser(intake, backend):
    if backend != "sqlite":
        pytest.skip("the page is the subject here, not the database")
    call_id = await _call(intake.client)
    base = str(intake.client.base_url).rstrip("/")
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for width in (420, 1280):
                context = await browser.new_context(
                    viewport={"width": width, "height": 900},
                    accept_downloads=True,
                    locale="nb-NO",  # Accept-Language: nb-NO picks the Norwegian page
                )
                page = await context.new_page()
                errors: list[str] = []
                page.on("console", partial(_console_error, errors))
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                response = await page.goto(f"{base}/calls")
                assert response is not None
                assert response.status == 200
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACTS / f"public-calls-{width}.png"))
                await page.get_by_role(
                    "link", name="Samarbeidsprosjekter for sirkulære verdikjeder 2026"
                ).click()
                await page.wait_for_url(f"{base}/calls/{call_id}?lang=nb")
                await page.keyboard.press("Tab")  # the first stop is the skip link
                assert await page.evaluate("document.activeElement.className") == "skip"
                await page.keyboard.press("Escape")

                await expect(page.locator("h1")).to_have_text(
                    "Samarbeidsprosjekter for sirkulære verdikjeder 2026"
                )
                await expect(page.locator("h2")).to_have_text(
                    ["Frister og rammer", "Vurderingskriterier", "Dokumenter"]
                )
                deadline = page.locator("dt:has-text('Søknadsfrist') + dd time")
                await expect(deadline).to_have_text("15. desember 2026 kl. 16:00 (norsk tid)")
                assert await deadline.get_attribute("datetime") == "2026-12-15T16:00:00+01:00"
                await expect(page.locator("dt:has-text('Budsjettramme') + dd")).to_have_text(
                    "25\u202f000\u202f000\u202fkr"
                )
                table = page.locator("table")
                await expect(table.locator("caption")).to_have_text(
                    "Kriteriene søknadene vurderes etter, med vekt"
                )
                weights = await table.locator("tbody td").all_inner_texts()
                assert sum(int(w.split("\u00a0")[0]) for w in weights) == 100

                link = page.get_by_role("link", name="Søknadsmal", exact=True)
                await expect(link.locator("xpath=..")).to_contain_text("PDF, 48 kB, versjon 2")
                async with page.expect_download() as info:
                    await link.click()
                download = await info.value
                assert download.suggested_filename == "søknadsmal-v2.pdf"
                saved = await download.path()
                assert saved is not None
                assert saved.read_bytes() == TEMPLATE

                audit = await page.evaluate(AUDIT)
                assert audit["lang"] == "nb"
                assert audit["h1"] == 1
                assert audit["imagesWithoutAlt"] == 0
                assert audit["tablesWithoutCaption"] == 0
                assert audit["headerCellsWithoutScope"] == 0
                assert audit["linksWithoutText"] == 0
                assert audit["scripts"] == 0
                assert audit["skipTarget"]
                assert not audit["overflowX"], f"horizontal scrolling at {width} px"

                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(
                    path=str(ARTIFACTS / f"public-call-{width}.png"), full_page=True
                )
                assert errors == []  # no CSP violation, nothing broken

                await page.get_by_role("link", name="English").click()
                await expect(page.locator("html")).to_have_attribute("lang", "en")
                await expect(page.locator("dt:has-text('Deadline') + dd time")).to_have_text(
                    "15 December 2026 at 16:00 (Norwegian time, UTC+01:00)"
                )
                await context.close()
        finally:
            await browser.close()
