"""Drafts that guide: a read of a draft carries the submit's completeness report, and an
attachment can be removed or replaced before it is submitted, never after."""

from __future__ import annotations

import uuid
from datetime import datetime

from tests.intake.builders import (
    OTHER_ORG,
    applicant,
    attach,
    circular_content,
    complete_circular,
    draft,
    open_call,
    submit,
)


async def _get(intake, app_id: str, org: str | None = None) -> dict:
    response = await intake.client.get(
        f"/v1/applications/{app_id}", headers=applicant(org) if org else applicant()
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_draft_lists_what_the_submit_would_refuse(intake):
    call = await open_call(intake.client)
    content = circular_content()
    del content["contact_person"]
    app = await draft(intake.client, call["id"], content)

    report = (await _get(intake, app["id"]))["completeness"]
    refused = await submit(intake.client, app["id"])
    assert refused.status_code == 422
    assert report["complete"] is False
    assert report["problems"] == refused.json()["errors"]  # the same list, pointers and texts
    pointers = {p["pointer"] for p in report["problems"]}
    assert "#/contact_person" in pointers
    assert all(p["detail_nb"] and p["detail"] for p in report["problems"])


async def test_a_complete_draft_says_so(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await _get(intake, app_id))["completeness"] == {"complete": True, "problems": []}


async def test_a_wrong_attachment_is_removed_before_submit(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], circular_content())
    wrong = (await attach(intake.client, app["id"], "partner_goals_and_motivation")).json()
    url = f"/v1/applications/{app['id']}/attachments"

    removed = await intake.client.delete(f"{url}/{wrong['id']}", headers=applicant())
    assert removed.status_code == 204, removed.text
    assert (await intake.client.get(url, headers=applicant())).json()["items"] == []
    download = await intake.client.get(f"{url}/{wrong['id']}/content", headers=applicant())
    assert download.status_code == 404
    # now the draft misses it again, and says so
    problems = (await _get(intake, app["id"]))["completeness"]["problems"]
    assert any("attachments" in p["pointer"] for p in problems)


async def test_an_attachment_is_replaced_in_one_step(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], circular_content())
    old = (await attach(intake.client, app["id"], "partner_goals_and_motivation")).json()
    url = f"/v1/applications/{app['id']}/attachments"
    new = await intake.client.post(
        url,
        params={
            "kind": "partner_goals_and_motivation",
            "filename": "v2.pdf",
            "replaces": old["id"],
        },
        content=b"%PDF-1.7 second",
        headers={**applicant(), "Content-Type": "application/pdf"},
    )
    assert new.status_code == 201, new.text
    items = (await intake.client.get(url, headers=applicant())).json()["items"]
    assert [i["id"] for i in items] == [new.json()["id"]]


async def test_a_submitted_attachment_is_kept_for_good(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    [attachment] = (
        await intake.client.get(f"/v1/applications/{app_id}/attachments", headers=applicant())
    ).json()["items"]
    assert (await submit(intake.client, app_id)).status_code == 201

    url = f"/v1/applications/{app_id}/attachments/{attachment['id']}"
    refused = await intake.client.delete(url, headers=applicant())
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"] == "urn:nic:problem:attachment-submitted"
    replaced = await intake.client.post(
        f"/v1/applications/{app_id}/attachments",
        params={
            "kind": "partner_goals_and_motivation",
            "filename": "x.pdf",
            "replaces": attachment["id"],
        },
        content=b"%PDF-1.7 other",
        headers={**applicant(), "Content-Type": "application/pdf"},
    )
    assert replaced.status_code == 409
    still = await intake.client.get(f"{url}/content", headers=applicant())
    assert still.status_code == 200
    assert still.content == b"%PDF-1.7 test"
    listed = await intake.client.get(f"/v1/applications/{app_id}/attachments", headers=applicant())
    assert [i["id"] for i in listed.json()["items"]] == [attachment["id"]]  # nothing added


async def test_nobody_else_removes_an_attachment(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], circular_content())
    mine = (await attach(intake.client, app["id"], "partner_goals_and_motivation")).json()
    url = f"/v1/applications/{app['id']}/attachments/{mine['id']}"
    other = await intake.client.delete(url, headers=applicant(OTHER_ORG))
    assert other.status_code == 404
    unknown = await intake.client.delete(
        f"/v1/applications/{app['id']}/attachments/{uuid.uuid4()}", headers=applicant()
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")


async def test_after_the_deadline_nothing_is_removed(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], circular_content())
    mine = (await attach(intake.client, app["id"], "partner_goals_and_motivation")).json()
    intake.clock.now = datetime.fromisoformat(call["deadline"].replace("Z", "+00:00"))
    refused = await intake.client.delete(
        f"/v1/applications/{app['id']}/attachments/{mine['id']}", headers=applicant()
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:deadline-passed"
