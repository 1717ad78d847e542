"""Review reminders: one e-mail per member with unfinished reviews, N days before the close,
through a real SMTP server; once only across restarts and with two instances running."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from nic_scoring.main import MIGRATIONS, create_app
from tests.scoring.conftest import OFFICER, Scoring, marks, member_auth, scoring_settings
from tests.support.services import serve
from tests.support.smtp import smtp_server

CLOSES = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)


async def settle(inbox: Any, want: int, rounds: int = 15) -> None:
    """Wait until `want` mails arrived, then a few more poll rounds for any duplicate."""
    for _ in range(200):
        if len(inbox.messages) >= want:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(rounds * 0.05)


async def test_reminder_is_sent_once_across_two_instances_and_a_restart(new_database: Any):
    url = await new_database("scoring", MIGRATIONS)
    with smtp_server() as (inbox, port):
        mail = {
            "mail_transport": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "mail_poll_interval_s": 0.05,
            "reminder_poll_interval_s": 0.05,
        }
        first, second = (
            create_app(scoring_settings(url, **mail)),
            create_app(scoring_settings(url, **mail)),
        )
        too_early = CLOSES - timedelta(days=3)
        for app in (first, second):
            app.state.clock = lambda: too_early
        async with serve(first, ready=False) as a, serve(second, ready=False):
            scoring = Scoring(first, a.client, url)
            call = await scoring.call()
            panel = await scoring.panel(call)
            patched = await scoring.client.patch(
                f"/v1/panels/{panel}",
                json={"closes_at": CLOSES.isoformat(), "reminder_days_before": 2},
                headers=OFFICER,
            )
            assert patched.status_code == 200, patched.text
            late = await scoring.member(panel, "Late Reviewer", email="late@example.no")
            done = await scoring.member(panel, "Done Reviewer", email="done@example.no")
            for member in (late, done):
                app_id = await scoring.eligible(call)
                assert (await scoring.assign(panel, app_id, member)).status_code == 201
            submitted = await scoring.client.post(
                f"/v1/applications/{app_id}/reviews/mine/submit",
                json={"marks": marks(5, 5, 5, 5)},
                headers=member_auth(done),
            )
            assert submitted.status_code == 200, submitted.text
            await settle(inbox, 0, rounds=5)
            assert inbox.messages == []  # not due three days before the close

            due = CLOSES - timedelta(days=1)
            for app in (first, second):
                app.state.clock = lambda: due
            await settle(inbox, 1)
        assert [rcpt for rcpt, _ in inbox.messages] == [["late@example.no"]]
        message = inbox.messages[0][1]
        assert "Late Reviewer" in message.get_payload(decode=True).decode()
        assert "2026-11-02T12:00+01:00" in message.get_payload(decode=True).decode()

        restarted = create_app(scoring_settings(url, **mail))
        restarted.state.clock = lambda: CLOSES - timedelta(hours=1)
        async with serve(restarted, ready=False):
            await settle(inbox, 2)
        assert len(inbox.messages) == 1
