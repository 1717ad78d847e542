"""The operations page in a real headless browser: Debian's chromium driven by Playwright.

An event published during the test appears on the page; a dead letter's Replay button
works; the screenshot is saved to artifacts/ops-page.png.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

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
                # submitted 2, assessed 1, eligible 1, scored 1, recommended 1 (the page
                # refreshes its counts every 5 s)
                await expect(counts).to_have_text(
                    [call[:8], "2", "1", "1", "1", "1"], timeout=20_000
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

                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACTS / "ops-page.png"), full_page=True)
                assert errors == []
            finally:
                await browser.close()
