"""Resubmission is bounded per application per hour (429 with Retry-After, nothing stored),
and receipt e-mails are capped per application and per address (the submission is still
received; its receipt says the mail was held back). The address never reaches the log."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.intake.builders import (
    OTHER_ORG,
    OWNER,
    applicant,
    complete_circular,
    open_call,
    outbox_events,
    scalar,
    submit,
)

ADDRESS = "kari@example.no"  # the contact person in circular_content()


async def _receipts(database_url: str) -> int:
    return int(
        await scalar(
            database_url, "SELECT count(*) FROM mail_outbox WHERE subject LIKE '%Kvittering%'"
        )
    )


async def test_one_submission_too_many_in_an_hour_is_429_and_stores_nothing(start_intake):
    async with start_intake(submissions_per_application_per_hour=3) as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        for minute in range(3):
            intake.clock.now += timedelta(minutes=minute * 10)
            assert (await submit(intake.client, app_id)).status_code == 201

        refused = await submit(intake.client, app_id)
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"] == "urn:nic:problem:submission-rate-limited"
        assert problem["limit"] == 3
        assert "submissions_per_application_per_hour" in problem["detail"]
        # the first of the three (at 12:00) leaves the window at 13:00; it is 12:30 now
        assert refused.headers["retry-after"] == str(30 * 60)
        assert problem["retry_after_s"] == 30 * 60
        versions = await scalar(intake.database_url, "SELECT count(*) FROM application_versions")
        assert versions == 3
        assert len(await outbox_events(intake.database_url, "no.nic.application.submitted.v1")) == 3

        intake.clock.now += timedelta(minutes=30, seconds=1)  # the first one has left the hour
        again = await submit(intake.client, app_id)
        assert again.status_code == 201, again.text
        assert again.json()["version"] == 4


async def test_receipt_mails_per_application_are_capped_and_the_receipt_says_so(start_intake):
    async with start_intake(receipt_mails_per_application_per_hour=2) as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        answers = [(await submit(intake.client, app_id)).json() for _ in range(3)]

        assert [a["receipt_mail"] for a in answers] == [
            "queued",
            "queued",
            "rate_limited_per_application",
        ]
        assert [a["version"] for a in answers] == [1, 2, 3]  # every one received
        assert await _receipts(intake.database_url) == 2
        latest = await intake.client.get(f"/v1/applications/{app_id}/receipt", headers=applicant())
        assert latest.json()["version"] == 3
        assert latest.json()["receipt_mail"] == "rate_limited_per_application"  # kept


async def test_receipt_mails_to_one_address_are_capped_across_applications(start_intake, capfd):
    async with start_intake(receipt_mails_per_address_per_hour=2) as intake:
        call = await open_call(intake.client)
        apps = [
            await complete_circular(intake.client, call["id"], org=org)
            for org in (OWNER, OTHER_ORG, OWNER)
        ]
        answers = [
            (await submit(intake.client, app, org=org)).json()
            for app, org in zip(apps, (OWNER, OTHER_ORG, OWNER), strict=True)
        ]
        assert [a["receipt_mail"] for a in answers] == [
            "queued",
            "queued",
            "rate_limited_per_address",
        ]
        assert await _receipts(intake.database_url) == 2

        intake.clock.now += timedelta(hours=1, seconds=1)  # a new hour for the address
        fourth = await submit(intake.client, apps[2])
        assert fourth.json()["receipt_mail"] == "queued"
    out, err = capfd.readouterr()
    logged = [json.loads(line) for line in (out + err).splitlines() if line.startswith("{")]
    [held_back] = [r for r in logged if r["msg"] == "receipt mail not sent: rate limit"]
    assert held_back["limit"] == "per_address"
    assert held_back["application_id"] == apps[2]
    assert ADDRESS not in out + err


async def test_a_retry_with_the_same_key_is_not_counted(start_intake):
    async with start_intake(submissions_per_application_per_hour=1) as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        first = await submit(intake.client, app_id, key="same-key")
        retried = await submit(intake.client, app_id, key="same-key")
        assert first.status_code == retried.status_code == 201
        assert retried.json()["version"] == first.json()["version"] == 1
        assert (await submit(intake.client, app_id)).status_code == 429
