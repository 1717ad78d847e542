"""Panel reads: an assigned, non-conflicted member reads the submitted version they score, and
nobody else does; blind panels see no identities; every member's read is audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from nic_shared.events.intake import (
    ApplicationContent,
    ApplicationSubmitted,
    AttachmentRef,
    BudgetLine,
    ContactPerson,
    Partner,
    PartnerRole,
)
from nic_shared.events.specs import Scheme
from tests.scoring.conftest import DEADLINE, OFFICER, ORGS, Scoring, member_auth
from tests.support.services import auth

ATTACHMENT = uuid.uuid4()
IDENTITIES = ("Fjordlaks AS", "Havbruk Partner AS", "Kari Nordmann", "kari@fjordlaks.no", ORGS[1])


def content(title: str = "Sporbar laks") -> ApplicationContent:
    return ApplicationContent(
        title=title,
        summary="Sporing av laks fra merd til butikk.",
        project_owner="Fjordlaks AS",
        partners=[
            Partner(org_number=ORGS[0], name="Fjordlaks AS", role=PartnerRole.OWNER),
            Partner(org_number=ORGS[1], name="Havbruk Partner AS", role=PartnerRole.PARTNER),
        ],
        contact_person=ContactPerson(name="Kari Nordmann", email="kari@fjordlaks.no"),
        legal_entity=ORGS[0],
        budget=[
            BudgetLine(category="personnel", year=2027, partner=ORGS[0], amount_nok=400_000),
            BudgetLine(category="personnel", year=2027, partner=ORGS[1], amount_nok=200_000),
        ],
        requested_amount_nok=300_000,
        attachments=[
            AttachmentRef(
                attachment_id=ATTACHMENT,
                kind="project_description",
                filename="Fjordlaks AS prosjektbeskrivelse.pdf",
                content_type="application/pdf",
                size_bytes=1234,
                sha256="0" * 64,
            )
        ],
    )


async def submitted(scoring: Scoring, call: str, version: int = 1, **kw: Any) -> str:
    """An eligible application whose submitted content has reached scoring."""
    app = await scoring.eligible(call, owner=ORGS[0], partners=(ORGS[1],), version=version, **kw)
    await scoring.feed(
        ApplicationSubmitted(
            application_id=uuid.UUID(app),
            call_id=uuid.UUID(call),
            scheme=Scheme.INNOVASJONSRAMMEN,
            version=version,
            applicant_org_number=ORGS[0],
            submitted_at=DEADLINE - timedelta(hours=1),
            content=content(),
            content_sha256="a" * 64,
        )
    )
    return app


async def assigned(scoring: Scoring, *, blind: bool = False) -> tuple[str, str, str, str]:
    call = await scoring.call()
    panel = await scoring.panel(call)
    if blind:
        changed = await scoring.client.patch(
            f"/v1/panels/{panel}", json={"blind": True}, headers=OFFICER
        )
        assert changed.status_code == 200, changed.text
    member = await scoring.member(panel)
    app = await submitted(scoring, call)
    assert (await scoring.assign(panel, app, member)).status_code == 201
    return call, panel, member, app


async def test_assigned_member_reads_full_content_budget_partners_and_attachments(
    scoring: Scoring,
):
    _, _, member, app = await assigned(scoring)
    read = await scoring.client.get(f"/v1/applications/{app}/content", headers=member_auth(member))
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["version"] == 1
    assert body["blind"] is False
    assert [p["name"] for p in body["content"]["partners"]] == [
        "Fjordlaks AS",
        "Havbruk Partner AS",
    ]
    assert [b["amount_nok"] for b in body["content"]["budget"]] == [400_000, 200_000]
    assert body["content"]["attachments"][0]["attachment_id"] == str(ATTACHMENT)


async def test_every_panel_member_read_is_audited(scoring: Scoring):
    _, panel, member, app = await assigned(scoring)
    await scoring.client.get(f"/v1/applications/{app}/content", headers=member_auth(member))
    await scoring.client.post(
        f"/v1/applications/{app}/attachments/{ATTACHMENT}/link", headers=member_auth(member)
    )
    trail = (await scoring.client.get(f"/v1/panels/{panel}/audit", headers=OFFICER)).json()
    reads = [e for e in trail if e["action"] == "panel_read"]
    assert [r["details"]["what"] for r in reads] == ["content", "attachment"]
    assert {r["member_id"] for r in reads} == {member}


async def test_unassigned_member_cannot_read_application(scoring: Scoring):
    _, panel, _, app = await assigned(scoring)
    other = await scoring.member(panel, "Other")
    for url in (f"/v1/applications/{app}/content", f"/v1/applications/{app}"):
        assert (await scoring.client.get(url, headers=member_auth(other))).status_code == 404
    link = await scoring.client.post(
        f"/v1/applications/{app}/attachments/{ATTACHMENT}/link", headers=member_auth(other)
    )
    assert link.status_code == 404


async def test_member_of_another_panel_cannot_read_application(scoring: Scoring):
    _, _, _, app = await assigned(scoring)
    other_call = await scoring.call()
    stranger = await scoring.member(await scoring.panel(other_call), "Stranger")
    read = await scoring.client.get(
        f"/v1/applications/{app}/content", headers=member_auth(stranger)
    )
    assert read.status_code == 404


async def test_conflicted_member_cannot_read_application(scoring: Scoring):
    _, panel, member, app = await assigned(scoring)
    declared = await scoring.client.post(
        f"/v1/panels/{panel}/conflicts",
        json={"application_id": app, "reason": "board member"},
        headers=member_auth(member),
    )
    assert declared.status_code == 201, declared.text
    read = await scoring.client.get(f"/v1/applications/{app}/content", headers=member_auth(member))
    assert read.status_code == 404


async def test_removed_assignment_ends_access_at_once(scoring: Scoring):
    _, panel, member, app = await assigned(scoring)
    url = f"/v1/applications/{app}/content"
    assert (await scoring.client.get(url, headers=member_auth(member))).status_code == 200
    removed = await scoring.client.delete(
        f"/v1/panels/{panel}/assignments/{app}/{member}", headers=OFFICER
    )
    assert removed.status_code == 204
    assert (await scoring.client.get(url, headers=member_auth(member))).status_code == 404
    trail = (await scoring.client.get(f"/v1/panels/{panel}/audit", headers=OFFICER)).json()
    assert "assignment_removed" in [e["action"] for e in trail]
    again = await scoring.client.delete(
        f"/v1/panels/{panel}/assignments/{app}/{member}", headers=OFFICER
    )
    assert again.status_code == 404


async def test_applicant_gets_403_and_officer_reads_everything(scoring: Scoring):
    _, _, _, app = await assigned(scoring)
    url = f"/v1/applications/{app}/content"
    applicant = auth("applicant", org=ORGS[0], subject="user-1")
    assert (await scoring.client.get(url, headers=applicant)).status_code == 403
    officer = await scoring.client.get(url, headers=OFFICER)
    assert officer.status_code == 200
    assert officer.json()["content"]["contact_person"]["name"] == "Kari Nordmann"


async def test_newest_submitted_version_is_the_one_read(scoring: Scoring):
    call, _, member, app = await assigned(scoring)
    await scoring.feed(
        ApplicationSubmitted(
            application_id=uuid.UUID(app),
            call_id=uuid.UUID(call),
            scheme=Scheme.INNOVASJONSRAMMEN,
            version=2,
            applicant_org_number=ORGS[0],
            submitted_at=DEADLINE - timedelta(minutes=5),
            content=content("Sporbar laks, versjon 2"),
            content_sha256="b" * 64,
        )
    )
    read = await scoring.client.get(f"/v1/applications/{app}/content", headers=member_auth(member))
    assert read.json()["version"] == 2
    assert read.json()["content"]["title"] == "Sporbar laks, versjon 2"


async def test_attachment_not_in_the_version_gets_no_link(scoring: Scoring):
    _, _, member, app = await assigned(scoring)
    refused = await scoring.client.post(
        f"/v1/applications/{app}/attachments/{uuid.uuid4()}/link", headers=member_auth(member)
    )
    assert refused.status_code == 404
    assert refused.json()["type"] == "urn:nic:problem:attachment-not-in-version"


async def test_attachment_link_is_signed_for_the_reader_and_expires(scoring: Scoring):
    _, _, member, app = await assigned(scoring)
    now = DEADLINE + timedelta(days=3)
    scoring.app.state.clock = lambda: now
    link = await scoring.client.post(
        f"/v1/applications/{app}/attachments/{ATTACHMENT}/link", headers=member_auth(member)
    )
    assert link.status_code == 200, link.text
    body = link.json()
    assert f"/v1/signed/attachments/{ATTACHMENT}?" in body["url"]
    assert f"reader=member-{member[:8]}" in body["url"]
    assert body["expires_at"].startswith((now + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M"))


async def test_blind_panel_member_sees_no_identity_anywhere(scoring: Scoring):
    _, _, member, app = await assigned(scoring, blind=True)
    headers = member_auth(member)
    read = await scoring.client.get(f"/v1/applications/{app}/content", headers=headers)
    assert read.status_code == 200
    body = read.json()
    assert body["blind"] is True
    assert [p["alias"] for p in body["content"]["partners"]] == ["Partner 1", "Partner 2"]
    assert {b["partner"] for b in body["content"]["budget"]} == {"Partner 1", "Partner 2"}
    listed = await scoring.client.get("/v1/assignments/mine", headers=headers)
    one = await scoring.client.get(f"/v1/applications/{app}", headers=headers)
    for response in (read, listed, one):
        for identity in IDENTITIES:
            assert identity not in response.text, (identity, response.request.url)
    assert ORGS[0] not in read.text
    assert ORGS[0] not in listed.text


async def test_blind_panel_still_checks_conflicts_on_real_identities(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call)
    await scoring.client.patch(f"/v1/panels/{panel}", json={"blind": True}, headers=OFFICER)
    insider = await scoring.member(panel, "Insider", org_numbers=[ORGS[1]])
    app = await submitted(scoring, call)
    refused = await scoring.assign(panel, app, insider)
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:reviewer-conflicted"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"blind": None}, "#/blind"),
        (
            {"opens_at": "2026-10-01T09:00:00+02:00", "closes_at": "2026-09-01T09:00:00+02:00"},
            "#/closes_at",
        ),
        ({"closes_at": "2026-10-01T09:00:00"}, "#/closes_at"),
        ({"reminder_days_before": 0}, "#/reminder_days_before"),
    ],
)
async def test_bad_panel_settings_are_refused_and_nothing_changes(
    scoring: Scoring, body: dict[str, Any], pointer: str
):
    call = await scoring.call()
    panel = await scoring.panel(call)
    before = (await scoring.client.get(f"/v1/panels/{panel}", headers=OFFICER)).json()
    refused = await scoring.client.patch(f"/v1/panels/{panel}", json=body, headers=OFFICER)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert pointer in [e["pointer"] for e in refused.json()["errors"]]
    assert (await scoring.client.get(f"/v1/panels/{panel}", headers=OFFICER)).json() == before


READ_ROUTES = [
    ("GET", "/v1/applications/{app}/content"),
    ("GET", "/v1/applications/{app}"),
    ("POST", "/v1/applications/{app}/attachments/{attachment}/link"),
]


async def reader(scoring: Scoring, who: str, panel: str, member: str, app: str) -> dict[str, str]:
    """Headers of a caller in the role the access matrix names."""
    if who == "officer":
        return OFFICER
    if who == "applicant":
        return auth("applicant", org=ORGS[0], subject="user-1")
    if who == "assigned":
        return member_auth(member)
    if who == "unassigned":
        return member_auth(await scoring.member(panel, "Unassigned"))
    if who == "other_panel":
        return member_auth(await scoring.member(await scoring.panel(await scoring.call()), "X"))
    if who == "conflicted":
        declared = await scoring.client.post(
            f"/v1/panels/{panel}/conflicts",
            json={"application_id": app, "reason": "owns shares"},
            headers=member_auth(member),
        )
        assert declared.status_code == 201
        return member_auth(member)
    assert who == "removed"
    removed = await scoring.client.delete(
        f"/v1/panels/{panel}/assignments/{app}/{member}", headers=OFFICER
    )
    assert removed.status_code == 204
    return member_auth(member)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("assigned", 200),
        ("officer", 200),
        ("applicant", 403),
        ("unassigned", 404),
        ("other_panel", 404),
        ("conflicted", 404),
        ("removed", 404),
    ],
)
async def test_access_matrix_for_every_read_route(scoring: Scoring, who: str, status: int):
    _, panel, member, app = await assigned(scoring)
    headers = await reader(scoring, who, panel, member, app)
    for method, route in READ_ROUTES:
        url = route.format(app=app, attachment=ATTACHMENT)
        got = await scoring.client.request(method, url, headers=headers)
        assert got.status_code == status, (who, method, route, got.text)
