"""Drafts: ETag and If-Match, access by organisation, refused fields, money and intensity."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.intake.builders import (
    OFFICER,
    OTHER_ORG,
    applicant,
    circular_content,
    complete_circular,
    draft,
    open_call,
    submit,
)
from tests.support.services import auth


async def test_updates_need_the_current_etag(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "Første"})
    url = f"/v1/applications/{app['id']}/content"
    missing = await intake.client.put(url, json={"title": "x"}, headers=applicant())
    assert missing.status_code == 428
    ok = await intake.client.put(
        url, json={"title": "Andre"}, headers={**applicant(), "If-Match": app["etag"]}
    )
    assert ok.status_code == 200
    assert ok.headers["etag"] != app["etag"]
    stale = await intake.client.put(
        url, json={"title": "Tredje"}, headers={**applicant(), "If-Match": app["etag"]}
    )
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:nic:problem:precondition-failed"
    got = await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
    assert got.json()["content"]["title"] == "Andre"


async def test_another_organisation_gets_404_everywhere(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    other = applicant(OTHER_ORG)
    for path in ("", "/status", "/attachments", "/versions", "/receipt"):
        response = await intake.client.get(f"/v1/applications/{app_id}{path}", headers=other)
        assert response.status_code == 404, path
    put = await intake.client.put(
        f"/v1/applications/{app_id}/content",
        json={"title": "x"},
        headers={**other, "If-Match": '"1"'},
    )
    assert put.status_code == 404
    assert (await submit(intake.client, app_id, org=OTHER_ORG)).status_code == 404
    withdraw = await intake.client.post(
        f"/v1/applications/{app_id}/withdraw", json={"reason": "not mine"}, headers=other
    )
    assert withdraw.status_code == 404
    listed = await intake.client.get("/v1/applications", headers=other)
    assert listed.json()["items"] == []
    officer = await intake.client.get(f"/v1/applications/{app_id}", headers=OFFICER)
    assert officer.status_code == 200


async def test_applicant_needs_an_organisation_in_the_token(intake):
    call = await open_call(intake.client)
    response = await intake.client.post(
        "/v1/applications", json={"call_id": call["id"]}, headers=auth("applicant")
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:nic:problem:organisation-required"


async def test_server_fields_and_unknown_fields_are_refused(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "T"})
    url = f"/v1/applications/{app['id']}/content"
    headers = {**applicant(), "If-Match": app["etag"]}
    for field, value in (
        ("status", "submitted"),
        ("version", 3),
        ("submitted_at", "2026-01-01T00:00:00Z"),
        ("aid_intensity_percent", 50),
        ("attachments", []),
        ("applicant_org_number", OTHER_ORG),
    ):
        response = await intake.client.put(url, json={"title": "T", field: value}, headers=headers)
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["pointer"] == f"#/{field}"
    created = await intake.client.post(
        "/v1/applications",
        json={"call_id": call["id"], "status": "submitted"},
        headers=applicant(),
    )
    assert created.status_code == 422


async def test_money_is_never_a_float(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "T"})
    url = f"/v1/applications/{app['id']}/content"
    headers = {**applicant(), "If-Match": app["etag"]}
    for body in (
        {"requested_amount_nok": 1500.5},
        {"requested_amount_nok": 1500.0},
        {"requested_amount_nok": "1500"},
        {"budget": [{"category": "p", "year": 2027, "partner": "910000004", "amount_nok": 10.0}]},
    ):
        response = await intake.client.put(url, json=body, headers=headers)
        assert response.status_code == 422, body


async def test_aid_intensity_is_computed_from_the_budget(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], circular_content())
    summary = app["budget_summary"]
    assert summary["total_nok"] == 2_500_000
    assert summary["requested_amount_nok"] == 1_200_000
    assert summary["aid_intensity_percent"] == "48.00"
    assert summary["within_max_intensity"] is True
    assert summary["per_year_nok"] == {"2027": 1_800_000, "2028": 700_000}
    content = circular_content()
    content["requested_amount_nok"] = 1_250_001
    put = await intake.client.put(
        f"/v1/applications/{app['id']}/content",
        json=content,
        headers={**applicant(), "If-Match": app["etag"]},
    )
    assert put.json()["budget_summary"]["aid_intensity_percent"] == "50.00"
    assert put.json()["budget_summary"]["within_max_intensity"] is False


async def test_a_draft_call_or_an_unknown_call_takes_no_applications(intake):
    body = {
        "code": "DRAFT-1",
        "scheme": "arena",
        "title": {"nb": "a", "en": "a"},
        "description": {"nb": "a", "en": "a"},
        "opens_at_local": "2026-01-01T00:00:00",
        "deadline_local": "2026-12-01T16:00:00",
        "budget_frame_nok": 1,
    }
    created = (await intake.client.post("/v1/calls", json=body, headers=OFFICER)).json()
    response = await intake.client.post(
        "/v1/applications", json={"call_id": created["id"]}, headers=applicant()
    )
    assert response.status_code == 404


async def test_officer_lists_are_filtered_paginated_and_exported(intake):
    call = await open_call(intake.client)
    ids = []
    for _ in range(5):
        intake.clock.now += timedelta(seconds=1)
        ids.append(await complete_circular(intake.client, call["id"]))
    for app_id in ids[:3]:
        assert (await submit(intake.client, app_id)).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"status": "submitted", "limit": 2, "scheme": "circular_value_chains"}
        if cursor:
            params["cursor"] = cursor
        page = await intake.client.get(
            f"/v1/calls/{call['id']}/applications", params=params, headers=OFFICER
        )
        assert page.status_code == 200, page.text
        seen += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == ids[:3]
    drafts = await intake.client.get(
        f"/v1/calls/{call['id']}/applications", params={"status": "draft"}, headers=OFFICER
    )
    assert [i["id"] for i in drafts.json()["items"]] == ids[3:]
    other = await intake.client.get(
        f"/v1/calls/{call['id']}/applications", params={"scheme": "arena"}, headers=OFFICER
    )
    assert other.json()["items"] == []
    forbidden = await intake.client.get(f"/v1/calls/{call['id']}/applications", headers=applicant())
    assert forbidden.status_code == 403

    exported = await intake.client.get(
        f"/v1/calls/{call['id']}/applications.csv", params={"status": "submitted"}, headers=OFFICER
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ids[:3]
    assert rows[0]["requested_amount_nok"] == "1200000"


async def test_a_project_cannot_end_before_it_starts_or_in_year_9999(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "T", "project_start": "2027-01-01"})
    url = f"/v1/applications/{app['id']}/content"
    headers = {**applicant(), "If-Match": app["etag"]}
    for content, field, words in (
        (
            {"project_start": "2027-06-01", "project_end": "2027-05-31"},
            "project_end",
            "on or after",
        ),
        ({"project_start": "0001-01-01"}, "project_start", "1900"),
        ({"project_end": "9999-12-31"}, "project_end", "2100"),
    ):
        response = await intake.client.put(url, json={"title": "T", **content}, headers=headers)
        assert response.status_code == 422, content
        [error] = response.json()["errors"]
        assert error["pointer"] == f"#/{field}"
        assert words in error["detail"], error
    stored = await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
    assert stored.json()["content"]["project_start"] == "2027-01-01"  # nothing changed
    same_day = await intake.client.put(
        url,
        json={"title": "T", "project_start": "2027-06-01", "project_end": "2027-06-01"},
        headers=headers,
    )
    assert same_day.status_code == 200, same_day.text


async def test_a_title_must_be_readable_text_and_a_refused_one_changes_nothing(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "Grønn skipsfart"})
    url = f"/v1/applications/{app['id']}/content"
    headers = {**applicant(), "If-Match": app["etag"]}
    for title, rule in (
        ("Grønn\u0000skipsfart", "control-character"),
        ("Grønn\u0085skipsfart", "control-character"),
        ("\u200b\u200d\ufeff", "invisible-text"),
        ("Grønn \u202eskipsfart", "bidi-override"),
    ):
        response = await intake.client.put(url, json={"title": title}, headers=headers)
        assert response.status_code == 422, title
        assert response.json()["errors"] == [
            {"pointer": "#/title", "rule": rule, "detail": response.json()["errors"][0]["detail"]}
        ]
    stored = await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
    assert stored.json()["content"]["title"] == "Grønn skipsfart"
    kept = await intake.client.put(
        url, json={"title": "Linje én", "summary": "To\nlinjer\tmed tab"}, headers=headers
    )
    assert kept.status_code == 200, kept.text
