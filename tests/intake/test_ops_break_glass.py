"""Break glass in a real service, not only in operations: intake's own ops event view shows
the `ops_break_glass` role a submission in full only with intake's `ops_break_glass` setting
on (NIC_INTAKE_OPS_BREAK_GLASS), and each such read leaves an ops_audit row in intake."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nic_shared.events.redaction import REDACTED
from nic_shared.ops import OPS_AUDIT
from nic_shared.ops_access import READ_ACTION
from tests.intake.builders import complete_circular, open_call, submit
from tests.support.services import auth

BREAK_GLASS = auth("operations", "ops_break_glass", subject="oncall-per")


async def _submitted(intake: Any, application_id: str) -> dict[str, Any]:
    assert (await submit(intake.client, application_id)).status_code == 201
    answer = await intake.client.get(
        "/v1/ops/events", params={"subject": application_id}, headers=BREAK_GLASS
    )
    assert answer.status_code == 200, answer.text
    [event] = [e for e in answer.json()["published"] if e["type"].endswith("submitted.v1")]
    return dict(event)


async def _reads(intake: Any) -> list[Any]:
    async with intake.app.state.db.transaction() as session:
        query = select(OPS_AUDIT).where(OPS_AUDIT.c.action == READ_ACTION)
        return list((await session.execute(query)).all())


async def test_intake_shows_break_glass_a_submission_redacted_without_its_setting(start_intake):
    async with start_intake() as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        event = await _submitted(intake, app_id)
        assert event["data"]["content"] == REDACTED
        assert await _reads(intake) == []


async def test_intake_with_its_setting_shows_break_glass_the_submission_and_audits_it(
    start_intake,
):
    async with start_intake(ops_break_glass=True) as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        event = await _submitted(intake, app_id)
        assert event["data"]["content"] != REDACTED
        assert event["data"]["content"]["title"] == "Industriell symbiose i Grenland"
        [read] = await _reads(intake)
        assert read.actor == "oncall-per"
