"""The signed attachment route: a link scoring signed opens exactly one attachment of one
submitted version, for one reader, until it expires; anything else is 404 naming the rule."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from nic_shared.settings import DEV_LINK_SECRET
from nic_shared.signed_links import LinkGrant, sign
from tests.intake.builders import complete_circular, open_call, scalar, submit


async def submitted_attachment(intake) -> tuple[str, str]:
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    attachment = await scalar(intake.database_url, "SELECT id FROM attachments")
    return app_id, str(uuid.UUID(str(attachment)))


def link(grant: LinkGrant, secret: str = DEV_LINK_SECRET) -> str:
    return (
        f"/v1/signed/attachments/{grant.attachment_id}?application_id={grant.application_id}"
        f"&version={grant.version}&reader={grant.reader}&expires={grant.expires}"
        f"&sig={sign(grant, secret)}"
    )


async def test_signed_link_downloads_the_attachment_without_a_token(intake):
    app_id, attachment = await submitted_attachment(intake)
    expires = int((intake.clock.now + timedelta(seconds=60)).timestamp())
    got = await intake.client.get(link(LinkGrant(app_id, 1, attachment, "member-1", expires)))
    assert got.status_code == 200, got.text
    assert got.content == b"%PDF-1.7 test"
    assert got.headers["cache-control"] == "no-store"


async def test_expired_or_altered_links_are_refused_naming_the_rule(intake):
    app_id, attachment = await submitted_attachment(intake)
    now = int(intake.clock.now.timestamp())
    grant = LinkGrant(app_id, 1, attachment, "member-1", now + 60)
    expired = await intake.client.get(link(replace(grant, expires=now)))
    assert expired.status_code == 404
    assert expired.json()["rule"] == "expired"
    forged = link(grant).replace("reader=member-1", "reader=member-2")
    refused = await intake.client.get(forged)
    assert refused.status_code == 404
    assert refused.json()["rule"] == "signature"
    wrong_secret = await intake.client.get(link(grant, secret="x" * 40))
    assert wrong_secret.json()["rule"] == "signature"


async def test_link_for_an_attachment_outside_the_version_is_refused(intake):
    app_id, _ = await submitted_attachment(intake)
    expires = int(intake.clock.now.timestamp()) + 60
    other = LinkGrant(app_id, 1, str(uuid.uuid4()), "member-1", expires)
    refused = await intake.client.get(link(other))
    assert refused.status_code == 404
    assert refused.json()["rule"] == "attachment-not-in-version"
    unsubmitted = await intake.client.get(link(replace(other, version=2)))
    assert unsubmitted.status_code == 404


async def test_malformed_link_parameters_are_a_problem_not_a_500(intake):
    bad = await intake.client.get(f"/v1/signed/attachments/{uuid.uuid4()}?version=x&sig=zz")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
