"""Calls: the audited deadline extension, immutability after the deadline, and the seeds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nic_intake.main import MIGRATIONS
from nic_intake.seed import seed
from tests.intake.builders import (
    OFFICER,
    applicant,
    complete_circular,
    open_call,
    outbox_events,
    scalar,
    submit,
)
from tests.support.services import auth


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
    staged = {e["data"]["code"]: e["data"].get("cluster_stage") for e in events}
    assert staged["IN-INNORAMME-2018-2"] is not None  # scoring gates its panel on it
    assert staged["NIC-SIRK-2023"] is None


async def test_a_draft_call_is_the_officers_until_it_is_published(intake):
    body = {
        "code": "C-DRAFT01",
        "scheme": "circular_value_chains",
        "title": {"nb": "Hemmelig utkast", "en": "Secret draft"},
        "description": {"nb": "Beskrivelse", "en": "Description"},
        "opens_at_local": "2026-01-05T09:00:00",
        "deadline_local": "2026-12-01T16:00:00",
        "budget_frame_nok": 25_000_000,
    }
    created = await intake.client.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    draft_id = created.json()["id"]
    published = await open_call(intake.client)
    others = {
        "applicant": applicant(),
        "cluster manager": auth("cluster_manager", cluster=str(uuid.uuid4())),
        "operations": auth("operations"),
        "no role": auth(),
    }
    for who, headers in others.items():
        one = await intake.client.get(f"/v1/calls/{draft_id}", headers=headers)
        assert one.status_code == 404, who
        assert "Hemmelig" not in one.text
        unknown = await intake.client.get(f"/v1/calls/{uuid.uuid4()}", headers=headers)
        assert one.json()["title"] == unknown.json()["title"]  # a draft looks like no call
        listed = await intake.client.get("/v1/calls", headers=headers)
        ids = [c["id"] for c in listed.json()["items"]]
        assert published["id"] in ids, who
        assert draft_id not in ids, who
    assert (await intake.client.get(f"/v1/calls/{draft_id}", headers=OFFICER)).status_code == 200
    listed = await intake.client.get("/v1/calls", headers=OFFICER)
    assert draft_id in [c["id"] for c in listed.json()["items"]]
