"""Calls: the audited deadline extension, immutability after the deadline, and the seeds."""

from __future__ import annotations

from datetime import UTC, datetime

from nic_intake.main import MIGRATIONS
from nic_intake.seed import seed
from tests.intake.builders import (
    OFFICER,
    complete_circular,
    open_call,
    outbox_events,
    scalar,
    submit,
)


async def test_deadline_extension_before_the_deadline_is_audited_and_announced(intake):
    call = await open_call(intake.client, deadline_local="2027-01-15T16:00:00")
    url = f"/v1/calls/{call['id']}/deadline-extension"
    body = {"deadline_local": "2027-01-22T16:00:00", "reason": "Systemfeil i portalen"}
    stale = await intake.client.post(url, json=body, headers={**OFFICER, "If-Match": '"99"'})
    assert stale.status_code == 412
    extended = await intake.client.post(url, json=body, headers=OFFICER)
    assert extended.status_code == 200, extended.text
    assert extended.json()["deadline"].startswith("2027-01-22T15:00:00")
    [event] = await outbox_events(intake.database_url, "no.nic.call.deadline_extended.v1")
    assert event["data"]["reason"] == "Systemfeil i portalen"
    assert event["data"]["previous_deadline"].startswith("2027-01-15T15:00:00")
    audit = await scalar(intake.database_url, "SELECT count(*) FROM call_deadline_extensions")
    assert audit == 1

    # the new deadline is the one submissions are judged on
    app_id = await complete_circular(intake.client, call["id"])
    intake.clock.now = datetime(2027, 1, 20, 12, tzinfo=UTC)
    assert (await submit(intake.client, app_id)).status_code == 201

    earlier = await intake.client.post(
        url, json={"deadline_local": "2027-01-21T16:00:00", "reason": "kortere"}, headers=OFFICER
    )
    assert earlier.status_code == 409
    intake.clock.now = datetime(2027, 1, 22, 15, tzinfo=UTC)  # at the new deadline
    late = await intake.client.post(
        url, json={"deadline_local": "2027-02-01T16:00:00", "reason": "for sent"}, headers=OFFICER
    )
    assert late.status_code == 409
    assert late.json()["type"] == "urn:nic:problem:deadline-extension-refused"
    status = await intake.client.get(f"/v1/calls/{call['id']}", headers=OFFICER)
    assert status.json()["status"] == "closed"
    again = await intake.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER)
    assert again.status_code == 409


async def test_seed_loads_the_three_calls_with_their_real_dates(new_database):
    url = await new_database("intake", MIGRATIONS)
    added = await seed(url)
    assert sorted(added) == ["IN-INNORAMME-2018-2", "NIC-MODNE-2021", "NIC-SIRK-2023"]
    assert await seed(url) == []
    deadline = await scalar(url, "SELECT deadline FROM calls WHERE code = 'NIC-MODNE-2021'")
    if isinstance(deadline, str):
        deadline = datetime.fromisoformat(deadline)
    assert deadline.replace(tzinfo=UTC) == datetime(2021, 10, 1, 14, 0, tzinfo=UTC)
    events = await outbox_events(url, "no.nic.call.published.v1")
    assert len(events) == 3
