"""Submission at the deadline, idempotency across it, versions, receipts, completeness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nic_intake.domain.receipt import content_sha256
from nic_shared.events.intake import ApplicationContent
from tests.intake.builders import (
    applicant,
    complete_circular,
    draft,
    open_call,
    outbox_events,
    scalar,
    submit,
)

MS = timedelta(milliseconds=1)


@pytest.mark.parametrize(
    ("deadline_local", "deadline_utc"),
    [
        ("2027-01-15T16:00:00", datetime(2027, 1, 15, 15, 0, tzinfo=UTC)),  # winter, UTC+1
        ("2027-06-15T16:00:00", datetime(2027, 6, 15, 14, 0, tzinfo=UTC)),  # summer, UTC+2
    ],
    ids=["winter", "summer"],
)
async def test_deadline_is_judged_on_the_server_clock(intake, deadline_local, deadline_utc):
    call = await open_call(intake.client, deadline_local=deadline_local)
    assert datetime.fromisoformat(call["deadline"]) == deadline_utc
    early = await complete_circular(intake.client, call["id"])
    late = await complete_circular(intake.client, call["id"])

    intake.clock.now = deadline_utc - MS  # 15:59:59.999 Oslo
    accepted = await submit(intake.client, early)
    assert accepted.status_code == 201, accepted.text
    receipt = accepted.json()
    assert receipt["received_at_oslo"].startswith(deadline_local[:11] + "15:59:59.999")

    intake.clock.now = deadline_utc  # 16:00:00.000 Oslo
    refused = await submit(intake.client, late)
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:deadline-passed"
    assert refused.headers["content-type"].startswith("application/problem+json")

    # nothing changed for the late one: still a draft, no version, no event
    got = await intake.client.get(f"/v1/applications/{late}", headers=applicant())
    assert got.json()["status"] == "draft"
    assert got.json()["version"] == 0
    events = await outbox_events(intake.database_url, "no.nic.application.submitted.v1")
    assert [e["data"]["application_id"] for e in events] == [early]
    assert await scalar(intake.database_url, "SELECT count(*) FROM application_versions") == 1


async def test_retry_with_the_same_key_after_the_deadline_returns_the_original(intake):
    call = await open_call(intake.client, deadline_local="2027-01-15T16:00:00")
    app_id = await complete_circular(intake.client, call["id"])
    intake.clock.now = datetime(2027, 1, 15, 14, 59, 59, 999000, tzinfo=UTC)
    first = await submit(intake.client, app_id, key="key-1")
    assert first.status_code == 201

    intake.clock.now = datetime(2027, 1, 15, 15, 30, tzinfo=UTC)  # after the deadline
    retry = await submit(intake.client, app_id, key="key-1")
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    fresh = await submit(intake.client, app_id, key="key-2")
    assert fresh.json()["type"] == "urn:nic:problem:deadline-passed"
    assert len(await outbox_events(intake.database_url, "no.nic.application.submitted.v1")) == 1


async def test_same_key_with_a_different_body_is_refused(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    first = await submit(intake.client, app_id, key="k")
    assert first.status_code == 201
    other = await submit(intake.client, app_id, key="k", body={"confirm": True, "etag": '"9"'})
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    missing = await intake.client.post(
        f"/v1/applications/{app_id}/submit", json={"confirm": True}, headers=applicant()
    )
    assert missing.status_code == 400


async def test_resubmission_makes_a_new_version_and_keeps_the_first(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    first = (await submit(intake.client, app_id)).json()
    current = await intake.client.get(f"/v1/applications/{app_id}", headers=applicant())
    content = dict(current.json()["content"])
    content["title"] = "Ny tittel"
    put = await intake.client.put(
        f"/v1/applications/{app_id}/content",
        json=content,
        headers={**applicant(), "If-Match": current.headers["etag"]},
    )
    assert put.status_code == 200, put.text
    second = (await submit(intake.client, app_id)).json()
    assert (first["version"], second["version"]) == (1, 2)
    assert first["content_sha256"] != second["content_sha256"]

    versions = await intake.client.get(f"/v1/applications/{app_id}/versions", headers=applicant())
    assert [v["version"] for v in versions.json()["items"]] == [1, 2]
    v1 = await intake.client.get(f"/v1/applications/{app_id}/versions/1", headers=applicant())
    assert v1.json()["content"]["title"] == "Industriell symbiose i Grenland"
    again = await intake.client.get(f"/v1/applications/{app_id}/receipts/1", headers=applicant())
    assert again.json() == first
    latest = await intake.client.get(f"/v1/applications/{app_id}/receipt", headers=applicant())
    assert latest.json() == second
    assert first["receipt_mail"] == second["receipt_mail"] == "queued"


async def test_receipt_hash_is_over_the_canonical_submitted_content(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    receipt = (await submit(intake.client, app_id)).json()
    assert receipt["application_id"] == app_id
    assert receipt["call_id"] == call["id"]
    assert receipt["received_at_utc"].endswith("Z") or "+00:00" in receipt["received_at_utc"]
    assert receipt["received_at_oslo"].endswith("+01:00")  # 1 March is winter time
    [event] = await outbox_events(intake.database_url, "no.nic.application.submitted.v1")
    content = ApplicationContent.model_validate(event["data"]["content"])
    assert content_sha256(content) == receipt["content_sha256"]
    assert event["data"]["content_sha256"] == receipt["content_sha256"]
    assert event["data"]["content"]["attachments"][0]["kind"] == "partner_goals_and_motivation"
    assert event["data"]["applicant_org_number"] == "910000004"


async def test_every_missing_part_is_reported_at_once(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "Bare en tittel"})
    response = await submit(intake.client, app["id"])
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:nic:problem:application-incomplete"
    pointers = {e["pointer"] for e in problem["errors"]}
    for part in (
        "#/summary",
        "#/project_start",
        "#/project_end",
        "#/partners",
        "#/budget",
        "#/contact_person",
        "#/requested_amount_nok",
        "#/objectives",
        "#/aid_basis",
        "#/implementation_plan",
        "#/attachments",
    ):
        assert part in pointers, part
    assert await scalar(intake.database_url, "SELECT count(*) FROM application_versions") == 0


async def test_submit_requires_the_key_the_document_says_it_requires(intake):
    document = (await intake.client.get("/openapi.json")).json()
    submit_doc = document["paths"]["/v1/applications/{application_id}/submit"]["post"]
    (key,) = [p for p in submit_doc["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["required"] is True
    assert key["schema"]["maxLength"] == 200
    create_doc = document["paths"]["/v1/applications"]["post"]
    (optional,) = [p for p in create_doc["parameters"] if p["name"] == "Idempotency-Key"]
    assert optional["required"] is False
    assert optional["schema"]["pattern"] == key["schema"]["pattern"]
    assert "400" in create_doc["responses"]

    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    missing = await intake.client.post(
        f"/v1/applications/{app_id}/submit", json={"confirm": True}, headers=applicant()
    )
    assert missing.json()["type"] == "urn:nic:problem:idempotency-key-required"
    for malformed in ("", "k" * 201):
        refused = await intake.client.post(
            f"/v1/applications/{app_id}/submit",
            json={"confirm": True},
            headers={**applicant(), "Idempotency-Key": malformed},
        )
        assert refused.status_code == 400, malformed
        assert refused.json()["type"] == "urn:nic:problem:invalid-idempotency-key"
    got = await intake.client.get(f"/v1/applications/{app_id}", headers=applicant())
    assert got.json()["status"] == "draft"
    assert (await submit(intake.client, app_id, key="a key with spaces inside")).status_code == 201
