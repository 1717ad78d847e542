"""The operations page in Norwegian and English, at a phone's 420 px and at desktop width, in
headless Chromium: every text in the chosen language (Accept-Language, ?lang= or the link in
the header), no horizontal scrolling at 420 px, and the live events in a bounded scrolling
list however many arrive. Screenshots: artifacts/ops-{en,nb}-{420,1400}.png.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from nic_shared import outbox
from nic_shared.events.scoring import RankingPublished, RankingStale, StaleFact, StaleReason
from tests.eligibility.stand_in import call_published
from tests.operations.stand_ins import platform
from tests.operations.test_browser import ARGS, ARTIFACTS, CHROMIUM
from tests.operations.test_discard import dead_letter
from tests.support.services import token

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

HEADINGS = {
    "en": ["Live events", "Pipeline per call", "Services", "Dead letters", "Where is application…"],
    "nb": [
        "Hendelser direkte",
        "Saksflyt per utlysning",
        "Tjenester",
        "Døde meldinger",
        "Hvor er søknaden…",
    ],
}
COLUMNS = {
    "en": [
        "call",
        "submitted",
        "assessed",
        "eligible",
        "scored",
        "recommended",
        "reserve",
        "ranking",
    ],
    "nb": [
        "utlysning",
        "sendt inn",
        "vurdert",
        "kvalifisert",
        "panelvurdert",
        "innstilt",
        "reserve",
        "rangering",
    ],
}
NOT_AN_EVENT = {"en": "not an event", "nb": "ikke en hendelse"}
LIVE = {"en": "stream: live", "nb": "strøm: direkte"}
REPLAY = {"en": "Replay", "nb": "Spill av"}
ENGLISH_ONLY = ["Live events", "Dead letters", "Replay", "stream:", "not published", "Filter"]


async def _stale_ranking(p: Any, call: str, application: str) -> None:
    now = datetime.now(UTC)
    async with p.services["scoring"].app.state.db.transaction() as session:
        await outbox.record(
            session,
            RankingPublished(
                call_id=uuid.UUID(call),
                ranking_version=1,
                budget_frame_nok=10_000_000,
                recommended_total_nok=500_000,
                entries=[],
                published_at=now,
            ),
        )
        await outbox.record(
            session,
            RankingStale(
                call_id=uuid.UUID(call),
                ranking_version=1,
                reasons=[
                    StaleFact(application_id=None, reason=StaleReason.BUDGET_CHANGED),
                    StaleFact(
                        application_id=uuid.UUID(application), reason=StaleReason.RESULT_VOIDED
                    ),
                ],
                detected_at=now,
            ),
        )


async def _at_least(rows: Any, n: int, timeout_s: float = 60.0) -> None:
    """The page's CSP forbids eval, so no wait_for_function: count until there are n."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while (count := await rows.count()) < n:
        assert loop.time() < end, f"{count} rows, not {n}"
        await asyncio.sleep(0.3)


async def _look(page: Any, lang: str, code: str) -> None:
    """The page shows its data, all of it in `lang`."""
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    await expect(page.locator("#stream-state")).to_have_text(LIVE[lang], timeout=20_000)
    await expect(page.locator("h2")).to_have_text(HEADINGS[lang])
    await expect(page.locator("#counts").locator("xpath=..").locator("th")).to_have_text(
        COLUMNS[lang]
    )
    await page.locator("#counts tr", has_text=code).locator(".badge.stale").wait_for(timeout=20_000)
    await expect(page.locator("button[data-replay]").first).to_have_text(
        REPLAY[lang], timeout=20_000
    )
    if lang == "nb":
        text = await page.locator("body").inner_text()
        assert not [words for words in ENGLISH_ONLY if words in text], text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="apt-get install chromium")
async def test_the_ops_page_reads_in_norwegian_and_english_at_420_px_and_on_a_desktop(
    broker, new_database, topic_prefix, backend
):
    if backend != "sqlite":
        pytest.skip("the page is the subject here, not the database")
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        intake = p.services["intake"].client
        call, poisoned = str(uuid.uuid4()), str(uuid.uuid4())
        published = call_published(uuid.UUID(call))
        async with p.services["intake"].app.state.db.transaction() as session:
            await outbox.record(session, published)
        p.behaviour.poison.add(poisoned)
        junk = await dead_letter(p.services["eligibility"].app, event_type=None)
        await intake.post("/submit", json={"application_id": poisoned, "call_id": call})
        first = str(uuid.uuid4())
        await intake.post("/submit", json={"application_id": first, "call_id": call})
        await _stale_ranking(p, call, first)
        url = f"{p.operations.base_url}/ops#token={token('operations')}"
        async with playwright_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                pages = {}
                for lang, locale in (("en", "en-GB"), ("nb", "nb-NO")):
                    for width in (420, 1400):
                        page = await browser.new_page(
                            locale=locale, viewport={"width": width, "height": 900}
                        )
                        errors: list[str] = []
                        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                        await page.goto(url)
                        await _look(page, lang, published.code)
                        pages[(lang, width)] = (page, errors)
                # 40 applications, 160 events, while the pages watch
                for _ in range(40):
                    await intake.post(
                        "/submit", json={"application_id": str(uuid.uuid4()), "call_id": call}
                    )
                for (lang, width), (page, errors) in pages.items():
                    await _at_least(page.locator("#events tr"), 160)
                    box = await page.locator("#events-scroll").bounding_box()
                    assert box is not None
                    assert box["height"] <= 22 * 16 + 1, box
                    scrolls = await page.evaluate(
                        "() => { const s = document.getElementById('events-scroll');"
                        " return s.scrollHeight > s.clientHeight; }"
                    )
                    assert scrolls, (lang, width)
                    overflow = await page.evaluate(
                        "() => document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth"
                    )
                    assert overflow <= 0, f"{lang} at {width} px scrolls sideways by {overflow}"
                    await asyncio.sleep(2.5)  # the fresh rows' highlight fades
                    ARTIFACTS.mkdir(exist_ok=True)
                    await page.screenshot(
                        path=str(ARTIFACTS / f"ops-{lang}-{width}.png"), full_page=True
                    )
                    assert errors == []

                for (lang, _width), (page, _) in pages.items():
                    not_an_event = NOT_AN_EVENT[lang]
                    await expect(page.locator("#dead-letters td.muted")).to_have_text(not_an_event)

                page, _ = pages[("en", 1400)]

                async def accept(dialog: Any) -> None:
                    await dialog.accept()

                page.on("dialog", accept)
                discard = page.locator(f"button[data-discard='eligibility/{junk}']")
                await discard.click()
                await expect(discard).to_have_count(0, timeout=20_000)

                page, _ = pages[("en", 420)]
                await page.click("#lang-toggle")
                await _look(page, "nb", published.code)
                await page.click("#lang-toggle")
                await _look(page, "en", published.code)
            finally:
                await browser.close()


async def test_the_ops_page_takes_its_language_from_accept_language_or_lang(
    broker, new_database, topic_prefix
):
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        ops = p.operations.client
        norsk = await ops.get("/ops", headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
        assert '<html lang="nb">' in norsk.text
        assert norsk.headers["content-language"] == "nb"
        assert "accept-language" in norsk.headers["vary"].lower()
        english = await ops.get("/ops", params={"lang": "en"}, headers={"Accept-Language": "nb"})
        assert '<html lang="en">' in english.text
        assert (await ops.get("/ops")).headers["content-language"] == "en"
        wrong = await ops.get("/ops", params={"lang": "de"})
        assert wrong.status_code == 422
        assert wrong.headers["content-type"].startswith("application/problem+json")
