"""The operations page in a real headless browser: Debian's chromium driven by Playwright.

An event published during the test appears on the page; a dead letter's Replay button
works; a stale ranking shows its badge and reasons, in English and in Norwegian; the
screenshots are saved to artifacts/ops-page.png and artifacts/ops-stale.png.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nic_shared import outbox
from nic_shared.events.scoring import RankingPublished, RankingStale, StaleFact, StaleReason
from tests.operations.stand_ins import platform
from tests.support.services import token

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect


@pytest.mark.skipif(not CHROMIUM.exists(), reason="apt-get install chromium")
async def test_an_event_published_during_the_test_appears_on_the_ops_page(
    broker, new_database, topic_prefix, backend
):
    if backend != "sqlite":
        pytest.skip("the page is the subject here, not the database")
    async with platform(broker.bootstrap, new_database, topic_prefix) as p:
        call = str(uuid.uuid4())
        poisoned = str(uuid.uuid4())
        p.behaviour.poison.add(poisoned)
        intake = p.services["intake"].client
        await intake.post("/submit", json={"application_id": poisoned, "call_id": call})
        async with playwright_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1400, "height": 1000})
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                await page.goto(f"{p.operations.base_url}/ops#token={token('operations')}")
                await page.wait_for_selector("#stream-state.on", timeout=20_000)
                assert "#token" not in page.url  # the token left the address bar

                application = str(uuid.uuid4())
                await intake.post("/submit", json={"application_id": application, "call_id": call})
                rows = page.locator("#events tr", has_text=application)
                await rows.filter(has_text="funding.recommended").wait_for(timeout=30_000)
                types = await rows.locator("td:nth-child(2)").all_inner_texts()
                assert types == [
                    "no.nic.funding.recommended.v1",
                    "no.nic.panel.scored.v1",
                    "no.nic.eligibility.assessed.v1",
                    "no.nic.application.submitted.v1",
                ]  # newest first

                counts = page.locator("#counts tr", has_text=call[:8]).locator("td")
                # submitted 2, assessed 1, eligible 1, scored 1, recommended 1, reserve 0 (the page
                # refreshes its counts every 5 s)
                await expect(counts).to_have_text(
                    [call[:8], "2", "1", "1", "1", "1", "0", "not published"], timeout=20_000
                )
                await page.locator("#services tr", has_text="eligibility").wait_for()

                replay = page.locator("button[data-replay^='eligibility/']")
                await replay.wait_for(timeout=15_000)
                p.behaviour.poison.clear()
                await replay.click()
                poisoned_rows = page.locator("#events tr", has_text=poisoned)
                # the replayed record itself, then what it caused
                await poisoned_rows.filter(has_text="application.submitted").wait_for()
                await poisoned_rows.filter(has_text="eligibility.assessed").wait_for(timeout=30_000)

                await page.fill("#trail-id", application)
                await page.click("#trail-form button")
                await page.locator("#trail li", has_text="recommended (scoring): done").wait_for()

                now = datetime.now(UTC)
                async with p.services["scoring"].app.state.db.transaction() as session:
                    for payload in (
                        RankingPublished(
                            call_id=uuid.UUID(call),
                            ranking_version=1,
                            budget_frame_nok=10_000_000,
                            recommended_total_nok=500_000,
                            entries=[],
                            published_at=now,
                        ),
                        RankingStale(
                            call_id=uuid.UUID(call),
                            ranking_version=1,
                            reasons=[
                                StaleFact(application_id=None, reason=StaleReason.BUDGET_CHANGED),
                                StaleFact(
                                    application_id=uuid.UUID(application),
                                    reason=StaleReason.RESULT_VOIDED,
                                ),
                                StaleFact(
                                    application_id=uuid.UUID(poisoned),
                                    reason=StaleReason.WITHDRAWN,
                                ),
                            ],
                            detected_at=now,
                        ),
                    ):
                        await outbox.record(session, payload)
                row = page.locator("#counts tr", has_text=call[:8])
                reasons = page.locator(f"#counts tr[data-call='{call}'] ul.reasons li")
                await expect(row.locator(".badge")).to_have_text(
                    "stale — republish", timeout=20_000
                )
                await expect(row.locator("td.ranking .mono").first).to_have_text("v1")
                await expect(reasons).to_have_text(
                    [
                        "Stale because:",
                        "budget frame changed: the call",
                        f"panel result voided: {application[:8]}",
                        f"withdrawn: {poisoned[:8]}",
                    ]
                )

                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACTS / "ops-page.png"), full_page=True)
                counts_section = page.locator("section", has=page.locator("#counts"))
                await counts_section.screenshot(path=str(ARTIFACTS / "ops-stale.png"))
                assert errors == []

                norsk = await browser.new_page(
                    locale="nb-NO", viewport={"width": 1400, "height": 1000}
                )
                await norsk.goto(f"{p.operations.base_url}/ops#token={token('operations')}")
                row = norsk.locator("#counts tr", has_text=call[:8])
                reasons = norsk.locator(f"#counts tr[data-call='{call}'] ul.reasons li")
                await expect(row.locator(".badge")).to_have_text(
                    "utdatert — publiser på nytt", timeout=20_000
                )
                await expect(reasons).to_have_text(
                    [
                        "Utdatert fordi:",
                        "budsjettrammen endret: utlysningen",
                        f"panelresultat annullert: {application[:8]}",
                        f"trukket: {poisoned[:8]}",
                    ]
                )
                await expect(norsk.locator("#ranking-heading")).to_have_text("rangering")
                await norsk.locator("section", has=norsk.locator("#counts")).screenshot(
                    path=str(ARTIFACTS / "ops-stale-nb.png")
                )
            finally:
                await browser.close()
