"""A consortium works together on one application: the owner invites each partner
organisation by e-mail (a token-bound code); the partner's users read the application,
editors may edit it, nobody but the owner submits; each partner confirms its own part (and,
for de minimis aid, its headroom); a call that requires it refuses the submit (422 naming
who is missing) until every partner has confirmed its current budget lines."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.intake.builders import (
    OFFICER,
    OTHER_ORG,
    PARTNER_B,
    PARTNER_C,
    applicant,
    attach,
    circular_content,
    draft,
    open_call,
    scalar,
    submit,
)


async def _call(intake, *, confirmations: bool) -> dict[str, Any]:
    template = await open_call(intake.client)
    if not confirmations:
        return template
    body = {
        "code": f"C-{uuid.uuid4().hex[:8].upper()}",
        "scheme": "circular_value_chains",
        "title": {"nb": "Utlysning", "en": "Call"},
        "description": {"nb": "Beskrivelse", "en": "Description"},
        "opens_at_local": "2026-01-05T09:00:00",
        "deadline_local": "2026-12-01T16:00:00",
        "budget_frame_nok": 25_000_000,
        "overrides": {"required_parts": [*template["required_parts"], "partner_confirmations"]},
    }
    created = await intake.client.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    published = await intake.client.post(
        f"/v1/calls/{created.json()['id']}/publish", headers=OFFICER
    )
    assert published.status_code == 200, published.text
    return dict(published.json())


async def _application(intake, call: dict[str, Any], **changes: Any) -> str:
    app = await draft(intake.client, call["id"], circular_content() | changes)
    assert (
        await attach(intake.client, app["id"], "partner_goals_and_motivation")
    ).status_code == 201
    return str(app["id"])


async def _invite(intake, app_id: str, org: str, role: str = "viewer") -> str:
    """Invite `org`; returns the code from the e-mail the invitation sent."""
    invited = await intake.client.post(
        f"/v1/applications/{app_id}/invitations",
        json={"org_number": org, "email": f"post@{org}.example.no", "role": role},
        headers=applicant(),
    )
    assert invited.status_code == 201, invited.text
    assert "token" not in invited.json()  # the code travels by e-mail only
    invitation = uuid.UUID(invited.json()["id"])  # a UUID: nothing else reaches the query
    body = await scalar(
        intake.database_url,
        f"SELECT body FROM mail_outbox WHERE dedupe_key = 'invitation:{invitation}'",  # noqa: S608
    )
    match = re.search(r"^([A-Za-z0-9_-]{40,})$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


async def _accept(intake, code: str, org: str):
    return await intake.client.post(
        "/v1/invitations/accept", json={"token": code}, headers=applicant(org)
    )


async def _confirm(intake, app_id: str, org: str, **body: Any):
    return await intake.client.post(
        f"/v1/applications/{app_id}/partner-confirmation",
        json={"participates": True, **body},
        headers=applicant(org),
    )


async def test_a_named_partner_joins_by_its_code_and_reads_the_application(intake):
    call = await _call(intake, confirmations=False)
    app_id = await _application(intake, call)
    url = f"/v1/applications/{app_id}"
    assert (await intake.client.get(url, headers=applicant(PARTNER_B))).status_code == 404

    code = await _invite(intake, app_id, PARTNER_B)
    wrong_org = await _accept(intake, code, PARTNER_C)
    assert wrong_org.status_code == 404  # the code is bound to the invited organisation
    joined = await _accept(intake, code, PARTNER_B)
    assert joined.status_code == 201, joined.text
    assert joined.json()["role"] == "viewer"
    assert (await _accept(intake, code, PARTNER_B)).status_code == 409  # used

    read = await intake.client.get(url, headers=applicant(PARTNER_B))
    assert read.status_code == 200
    assert read.json()["content"]["title"] == "Industriell symbiose i Grenland"
    put = await intake.client.put(
        f"{url}/content",
        json=circular_content(),
        headers={**applicant(PARTNER_B), "If-Match": read.headers["etag"]},
    )
    assert put.status_code == 404  # a viewer reads only
    assert (await submit(intake.client, app_id, org=PARTNER_B)).status_code == 404
    assert (await intake.client.get(url, headers=applicant(PARTNER_C))).status_code == 404
    listed = await intake.client.get("/v1/applications", headers=applicant(PARTNER_B))
    assert [a["id"] for a in listed.json()["items"]] == [app_id]  # its list shows it too
    others = await intake.client.get("/v1/applications", headers=applicant(PARTNER_C))
    assert others.json()["items"] == []


async def test_an_editor_partner_edits_but_only_the_owner_submits(intake):
    call = await _call(intake, confirmations=False)
    app_id = await _application(intake, call)
    assert (
        await _accept(intake, await _invite(intake, app_id, PARTNER_C, "editor"), PARTNER_C)
    ).status_code == 201
    url = f"/v1/applications/{app_id}"
    current = await intake.client.get(url, headers=applicant(PARTNER_C))
    edited = await intake.client.put(
        f"{url}/content",
        json=circular_content() | {"summary": "Skrevet av partner C."},
        headers={**applicant(PARTNER_C), "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert (await submit(intake.client, app_id, org=PARTNER_C)).status_code == 404
    assert (await submit(intake.client, app_id)).status_code == 201


async def test_the_call_requires_every_partners_confirmation_before_submit(intake):
    call = await _call(intake, confirmations=True)
    app_id = await _application(intake, call)
    for org in (PARTNER_B, PARTNER_C):
        assert (await _accept(intake, await _invite(intake, app_id, org), org)).status_code == 201

    refused = await submit(intake.client, app_id)
    assert refused.status_code == 422
    missing = [e for e in refused.json()["errors"] if e["rule"] == "partner-confirmation"]
    assert [e["pointer"] for e in missing] == ["#/partners/1", "#/partners/2"]
    assert "Partner B AS" in missing[0]["detail"]

    assert (await _confirm(intake, app_id, PARTNER_B)).status_code == 200
    refused = await submit(intake.client, app_id)
    assert [e["pointer"] for e in refused.json()["errors"]] == ["#/partners/2"]

    confirmed = await _confirm(intake, app_id, PARTNER_C)
    assert confirmed.json()["confirmation"] == "confirmed"
    # the owner changes partner C's budget line: C's confirmation no longer covers it
    current = await intake.client.get(f"/v1/applications/{app_id}", headers=applicant())
    content = circular_content()
    content["budget"][2]["amount_nok"] = 900_000
    await intake.client.put(
        f"/v1/applications/{app_id}/content",
        json=content,
        headers={**applicant(), "If-Match": current.headers["etag"]},
    )
    partners = await intake.client.get(f"/v1/applications/{app_id}/partners", headers=applicant())
    assert [(p["org_number"], p["confirmation"]) for p in partners.json()["items"]] == [
        (PARTNER_B, "confirmed"),
        (PARTNER_C, "changed"),
    ]
    assert (await submit(intake.client, app_id)).status_code == 422
    await _confirm(intake, app_id, PARTNER_C)
    assert (await submit(intake.client, app_id)).status_code == 201


async def test_de_minimis_partners_declare_their_headroom(intake):
    call = await _call(intake, confirmations=False)
    app_id = await _application(intake, call, aid_basis="de_minimis")
    await _accept(intake, await _invite(intake, app_id, PARTNER_B), PARTNER_B)
    refused = await _confirm(intake, app_id, PARTNER_B)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/de_minimis_headroom_nok"
    ok = await _confirm(intake, app_id, PARTNER_B, de_minimis_headroom_nok=1_500_000)
    assert ok.status_code == 200
    assert ok.json()["de_minimis_headroom_nok"] == 1_500_000


async def test_bad_invitations_name_the_field_and_store_nothing(intake):
    call = await _call(intake, confirmations=False)
    app_id = await _application(intake, call)
    url = f"/v1/applications/{app_id}/invitations"
    for body, pointer in (
        ({"org_number": OTHER_ORG, "email": "a@b.no"}, "#/org_number"),  # not a partner
        ({"org_number": "910000013", "email": "a@b.no"}, None),  # MOD11 check digit wrong
        ({"org_number": PARTNER_B, "email": "not-an-address"}, None),
    ):
        refused = await intake.client.post(url, json=body, headers=applicant())
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        if pointer:
            assert refused.json()["errors"][0]["pointer"] == pointer
    by_partner = await intake.client.post(
        url, json={"org_number": PARTNER_C, "email": "a@b.no"}, headers=applicant(PARTNER_B)
    )
    assert by_partner.status_code == 404
    stranger = await _confirm(intake, app_id, OTHER_ORG)
    assert stranger.status_code == 404  # not a partner that joined
    partners = await intake.client.get(f"/v1/applications/{app_id}/partners", headers=applicant())
    assert {p["invitation"] for p in partners.json()["items"]} == {"none"}
