"""An officer asks for more information on a submitted application, with a due date; the
applicant answers with text and files (also after the deadline, the only way anything
reaches the case then); each answer is kept; a closed request takes no more; every step is
on the timeline and mailed to the contact person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.intake.builders import (
    OFFICER,
    OTHER_ORG,
    applicant,
    complete_circular,
    open_call,
    scalar,
    submit,
)
from tests.support.services import auth

CLUSTER_MANAGER = auth("cluster_manager", cluster=str(uuid.uuid4()))


async def _submitted(intake) -> str:
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    return app_id


async def _ask(intake, app_id: str, due_local: str = "2026-03-10T12:00:00", **kw) -> dict:
    response = await intake.client.post(
        f"/v1/applications/{app_id}/info-requests",
        json={"question": "Send the signed partner declaration.", "due_local": due_local, **kw},
        headers=OFFICER,
    )
    return {**response.json(), "http": response.status_code}


async def _upload(intake, app_id: str, request_id: str, data: bytes = b"%PDF-1.7 signed"):
    return await intake.client.post(
        f"/v1/applications/{app_id}/info-requests/{request_id}/attachments",
        params={"filename": "erklaering.pdf"},
        content=data,
        headers={**applicant(), "Content-Type": "application/pdf"},
    )


async def _answer(intake, app_id: str, request_id: str, text: str, ids=()):
    return await intake.client.post(
        f"/v1/applications/{app_id}/info-requests/{request_id}/answers",
        json={"text": text, "attachment_ids": list(ids)},
        headers=applicant(),
    )


async def _mails(intake) -> list[str]:
    rows = await scalar(
        intake.database_url,
        "SELECT count(*) FROM mail_outbox WHERE subject LIKE '%informasjon%' OR subject LIKE 'Svar mottatt%'",
    )
    return rows


async def test_officer_asks_and_the_applicant_answers_after_the_deadline(intake):
    app_id = await _submitted(intake)
    asked = await _ask(intake, app_id)
    assert asked["http"] == 201, asked
    assert asked["due_at_oslo"].startswith("2026-03-10T12:00:00+01:00")
    request_id = asked["id"]

    intake.clock.now = datetime(2026, 12, 2, 9, tzinfo=UTC)  # the call's deadline passed
    late_draft_upload = await intake.client.post(
        f"/v1/applications/{app_id}/attachments",
        params={"kind": "x", "filename": "x.pdf"},
        content=b"%PDF-1.7 x",
        headers={**applicant(), "Content-Type": "application/pdf"},
    )
    assert late_draft_upload.status_code == 409  # the draft is closed ...
    uploaded = await _upload(intake, app_id, request_id)
    assert uploaded.status_code == 201, uploaded.text  # ... the answer is not
    first = await _answer(
        intake, app_id, request_id, "Her er erklæringen.", [uploaded.json()["id"]]
    )
    assert first.status_code == 201, first.text
    intake.clock.now += timedelta(minutes=5)
    second = await _answer(intake, app_id, request_id, "Og en rettelse.")
    assert second.status_code == 201

    thread = await intake.client.get(f"/v1/applications/{app_id}/info-requests", headers=OFFICER)
    [request] = thread.json()["items"]
    assert [a["text"] for a in request["answers"]] == ["Her er erklæringen.", "Og en rettelse."]
    [file] = request["answers"][0]["attachments"]
    download = await intake.client.get(file["download_url"], headers=OFFICER)
    assert download.content == b"%PDF-1.7 signed"
    # answer files are the answer's, not the application's
    listed = await intake.client.get(f"/v1/applications/{app_id}/attachments", headers=applicant())
    assert uploaded.json()["id"] not in [i["id"] for i in listed.json()["items"]]

    timeline = await intake.client.get(f"/v1/applications/{app_id}/status", headers=applicant())
    kinds = [e["kind"] for e in timeline.json()["timeline"]]
    assert kinds.count("information_requested") == 1
    assert kinds.count("information_provided") == 2
    assert await _mails(intake) == 3  # the request, and a receipt for each answer


async def test_a_closed_request_takes_no_more_answers_and_nothing_changes(intake):
    app_id = await _submitted(intake)
    request_id = (await _ask(intake, app_id))["id"]
    closed = await intake.client.post(
        f"/v1/applications/{app_id}/info-requests/{request_id}/close", headers=OFFICER
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    refused = await _answer(intake, app_id, request_id, "For sent.")
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:info-request-closed"
    assert (await _upload(intake, app_id, request_id)).status_code == 409
    again = await intake.client.post(
        f"/v1/applications/{app_id}/info-requests/{request_id}/close", headers=OFFICER
    )
    assert again.status_code == 409
    thread = await intake.client.get(
        f"/v1/applications/{app_id}/info-requests", headers=applicant()
    )
    assert thread.json()["items"][0]["answers"] == []


async def test_bad_requests_name_the_field_and_store_nothing(intake):
    call = await open_call(intake.client)
    draft_id = await complete_circular(intake.client, call["id"])
    not_submitted = await _ask(intake, draft_id)
    assert not_submitted["http"] == 409
    assert not_submitted["type"] == "urn:nic:problem:not-submitted"

    app_id = await _submitted(intake)
    past = await _ask(intake, app_id, due_local="2026-02-01T12:00:00")  # the clock is 1 March
    assert past["http"] == 422
    assert past["errors"][0]["pointer"] == "#/due_local"
    assert past["errors"][0]["rule"] == "in-future"
    gap = await _ask(intake, app_id, due_local="2026-03-29T02:30:00")  # DST: no such time
    assert gap["http"] == 422
    assert gap["errors"][0]["rule"] == "oslo-time"
    empty = await _ask(intake, app_id, question="")
    assert empty["http"] == 422
    thread = await intake.client.get(f"/v1/applications/{app_id}/info-requests", headers=OFFICER)
    assert thread.json()["items"] == []

    request_id = (await _ask(intake, app_id))["id"]
    foreign = await _answer(intake, app_id, request_id, "Se vedlegg.", [str(uuid.uuid4())])
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["pointer"] == "#/attachment_ids/0"
    thread = await intake.client.get(f"/v1/applications/{app_id}/info-requests", headers=OFFICER)
    assert thread.json()["items"][0]["answers"] == []


async def test_only_officers_ask_and_only_the_owner_answers_or_reads(intake):
    app_id = await _submitted(intake)
    by_applicant = await intake.client.post(
        f"/v1/applications/{app_id}/info-requests",
        json={"question": "?", "due_local": "2026-03-10T12:00:00"},
        headers=applicant(),
    )
    assert by_applicant.status_code == 403
    request_id = (await _ask(intake, app_id))["id"]
    other = await intake.client.post(
        f"/v1/applications/{app_id}/info-requests/{request_id}/answers",
        json={"text": "Not mine"},
        headers=applicant(OTHER_ORG),
    )
    assert other.status_code == 404
    for headers in (applicant(OTHER_ORG), CLUSTER_MANAGER):
        read = await intake.client.get(f"/v1/applications/{app_id}/info-requests", headers=headers)
        assert read.status_code in (403, 404)


async def test_an_unanswered_request_past_its_due_date_is_overdue(intake):
    app_id = await _submitted(intake)
    await _ask(intake, app_id)
    intake.clock.now += timedelta(days=30)
    thread = await intake.client.get(f"/v1/applications/{app_id}/info-requests", headers=OFFICER)
    assert thread.json()["items"][0]["overdue"] is True
