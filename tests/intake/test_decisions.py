"""From ranking to decision: drafts follow the ranking, a second officer approves, letters
go out, grants are answered, reserves move up; every refusal names its rule and changes
nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf

from tests.intake.builders import OFFICER, applicant, outbox_events, scalar
from tests.intake.ranked import (
    FEEDBACK,
    FIRST_OFFICER,
    REQUESTED,
    SECOND_OFFICER,
    decide_and_approve,
    ranked_call,
)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


async def state(intake) -> tuple:
    """What a refused request must leave as it was."""
    url = intake.database_url
    return (
        await scalar(url, "SELECT count(*) FROM decision_versions"),
        await scalar(url, "SELECT count(*) FROM decision_letters"),
        await scalar(url, "SELECT count(*) FROM decision_acceptances"),
        await scalar(url, "SELECT count(*) FROM mail_outbox"),
        len(await outbox_events(url, "no.nic.funding.decided.v1")),
    )


def problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == f"urn:nic:problem:{slug}", body
    return body


async def test_bulk_drafts_follow_the_ranking_and_send_nothing(intake):
    ranked = await ranked_call(intake)
    drafted = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions", headers=FIRST_OFFICER
    )
    assert drafted.status_code == 201, drafted.text
    items = drafted.json()["items"]
    assert [(i["application_id"], i["outcome"], i["amount_nok"]) for i in items] == [
        (ranked.apps[0], "granted", REQUESTED),
        (ranked.apps[1], "granted", REQUESTED),
        (ranked.apps[2], "reserve", 0),
        (ranked.apps[3], "rejected", 0),
    ]
    assert "threshold" in items[3]["reasons"][0]["en"]
    assert all(i["approved_by"] is None and i["letter_sha256"] is None for i in items)
    assert await outbox_events(intake.database_url, "no.nic.funding.decided.v1") == []
    own = await intake.client.get(
        f"/v1/applications/{ranked.apps[0]}/decision", headers=applicant(ranked.orgs[0])
    )
    assert own.status_code == 404  # a draft is not sent


async def test_the_drafting_officer_cannot_approve_the_same_decision(intake):
    ranked = await ranked_call(intake)
    drafted = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions", headers=FIRST_OFFICER
    )
    first = drafted.json()["items"][0]
    before = await state(intake)
    same = await intake.client.post(
        f"/v1/decisions/{first['decision_id']}/approve",
        json={"version": first["version"]},
        headers=FIRST_OFFICER,
    )
    body = problem(same, 409, "four-eyes")
    assert body["rule"] == "four_eyes"
    assert await state(intake) == before
    bulk = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions/approve", headers=FIRST_OFFICER
    )
    problem(bulk, 409, "four-eyes")
    assert await state(intake) == before


async def test_approval_sends_letters_mails_and_funding_decided(intake):
    ranked = await ranked_call(intake)
    approved = await decide_and_approve(intake, ranked)
    assert [a["approved_by"] for a in approved] == ["officer-two"] * 4
    events = await outbox_events(intake.database_url, "no.nic.funding.decided.v1")
    assert sorted((e["data"]["outcome"], e["data"]["amount_nok"]) for e in events) == [
        ("granted", REQUESTED),
        ("granted", REQUESTED),
        ("rejected", 0),
        ("reserve", 0),
    ]
    assert (
        await scalar(
            intake.database_url,
            "SELECT count(*) FROM mail_outbox WHERE attachment_name IS NOT NULL",
        )
        == 4
    )

    org = ranked.orgs[0]
    decision = await intake.client.get(
        f"/v1/applications/{ranked.apps[0]}/decision", headers=applicant(org)
    )
    assert decision.status_code == 200, decision.text
    body = decision.json()
    assert body["outcome"] == "granted"
    assert body["amount_nok"] == REQUESTED
    assert body["panel_feedback"] == FEEDBACK
    status = await intake.client.get(
        f"/v1/applications/{ranked.apps[0]}/status", headers=applicant(org)
    )
    assert status.json()["panel_feedback"] == FEEDBACK
    assert status.json()["stage"] == "granted"
    assert status.json()["timeline"][-1]["kind"] == "decided"
    assert body["appeal_deadline"] == "2027-01-31"
    for internal in ("5.75", "novelty", "weighted_total", "officer-"):
        assert internal not in decision.text
    letter = await intake.client.get(
        f"/v1/applications/{ranked.apps[0]}/decision/letter", headers=applicant(org)
    )
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    import hashlib

    assert hashlib.sha256(letter.content).hexdigest() == body["letter_sha256"]
    text = " ".join(pdf_text(letter.content).split())
    assert "Vedtak om tilsagn" in text
    assert "1 200 000 kroner" in text
    assert "artikkel 29" in text
    assert "Godt forankret prosjekt" in text
    assert "Æøå" in text
    assert "31.01.2027" in text
    assert "forvaltningsloven § 29" in text

    english = await intake.client.get(
        f"/v1/applications/{ranked.apps[1]}/decision/letter", headers=applicant(ranked.orgs[1])
    )
    en_text = " ".join(pdf_text(english.content).split())
    assert "You are granted NOK 1 200 000" in en_text
    assert "Article 29" in en_text
    assert "three weeks" in en_text


async def test_one_applicant_cannot_read_another_decision(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    for path in ("decision", "decision/letter"):
        other = await intake.client.get(
            f"/v1/applications/{ranked.apps[0]}/{path}", headers=applicant(ranked.orgs[1])
        )
        assert other.status_code == 404


async def test_amount_above_the_recommendation_needs_a_stated_reason(intake):
    ranked = await ranked_call(intake)
    url = f"/v1/applications/{ranked.apps[0]}/decision"
    before = await state(intake)
    refused = await intake.client.put(
        url, json={"outcome": "granted", "amount_nok": 1_300_000}, headers=FIRST_OFFICER
    )
    body = problem(refused, 422, "amount-above-recommendation")
    assert body["errors"][0]["pointer"] == "#/amount_reason"
    assert await state(intake) == before
    allowed = await intake.client.put(
        url,
        json={"outcome": "granted", "amount_nok": 1_300_000, "amount_reason": "Utvidet pilot"},
        headers=FIRST_OFFICER,
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["amount_reason"] == "Utvidet pilot"


async def test_grants_never_exceed_the_budget_frame(intake):
    ranked = await ranked_call(intake)
    await intake.client.post(f"/v1/calls/{ranked.call['id']}/decisions", headers=FIRST_OFFICER)
    before = await state(intake)
    # two grants of 1.2 M are drafted: 100 000 of 2.5 M is left
    refused = await intake.client.put(
        f"/v1/applications/{ranked.apps[2]}/decision",
        json={"outcome": "granted", "amount_nok": 200_000, "amount_reason": "Delfinansiering"},
        headers=FIRST_OFFICER,
    )
    body = problem(refused, 422, "amount-above-frame")
    assert body["errors"][0] == {
        "pointer": "#/amount_nok",
        "rule": "amount_above_frame",
        "detail": body["errors"][0]["detail"],
    }
    assert await state(intake) == before


async def test_no_decision_on_an_application_outside_the_ranking(intake):
    ranked = await ranked_call(intake, unranked=True)
    before = await state(intake)
    refused = await intake.client.put(
        f"/v1/applications/{ranked.unranked}/decision",
        json={"outcome": "rejected"},
        headers=FIRST_OFFICER,
    )
    body = problem(refused, 422, "not-in-ranking")
    assert body["errors"][0]["rule"] == "in_latest_ranking"
    assert await state(intake) == before


async def test_decisions_wait_for_a_published_ranking(intake):
    from tests.intake.builders import complete_circular, open_call, submit

    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    refused = await intake.client.post(f"/v1/calls/{call['id']}/decisions", headers=OFFICER)
    problem(refused, 409, "no-ranking")


async def test_a_decline_offers_the_money_to_the_next_reserve(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    accepted = await intake.client.post(
        f"/v1/applications/{ranked.apps[0]}/decision/accept", headers=applicant(ranked.orgs[0])
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["answer"] == "accepted"
    declined = await intake.client.post(
        f"/v1/applications/{ranked.apps[1]}/decision/decline", headers=applicant(ranked.orgs[1])
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["answer"] == "declined"

    reserve = await intake.client.get(
        f"/v1/applications/{ranked.apps[2]}/decision", headers=applicant(ranked.orgs[2])
    )
    body = reserve.json()
    assert (body["version"], body["outcome"], body["amount_nok"]) == (2, "granted", REQUESTED)
    letter = await intake.client.get(
        f"/v1/applications/{ranked.apps[2]}/decision/letter", headers=applicant(ranked.orgs[2])
    )
    assert "reservelisten" in pdf_text(letter.content)
    events = await outbox_events(intake.database_url, "no.nic.funding.decided.v1")
    promoted = [e["data"] for e in events if e["data"]["application_id"] == ranked.apps[2]]
    assert [(p["decision_version"], p["outcome"]) for p in promoted] == [
        (1, "reserve"),
        (2, "granted"),
    ]
    # the money is spent: a second answer is refused
    again = await intake.client.post(
        f"/v1/applications/{ranked.apps[1]}/decision/accept", headers=applicant(ranked.orgs[1])
    )
    problem(again, 409, "answered-once")


async def test_acceptance_after_its_deadline_is_refused_and_the_grant_lapses(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    intake.clock.now += timedelta(days=15)
    before = await state(intake)
    late = await intake.client.post(
        f"/v1/applications/{ranked.apps[0]}/decision/accept", headers=applicant(ranked.orgs[0])
    )
    body = problem(late, 409, "acceptance-deadline")
    assert body["rule"] == "acceptance_deadline"
    assert await state(intake) == before

    lapsed = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions/lapse", headers=OFFICER
    )
    assert lapsed.status_code == 200, lapsed.text
    assert sorted(lapsed.json()["lapsed"]) == sorted(ranked.apps[:2])
    assert lapsed.json()["promoted"] == [ranked.apps[2]]  # 1.2 M of 2.5 M; the frame holds
    again = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions/lapse", headers=OFFICER
    )
    assert again.json() == {"lapsed": [], "promoted": []}


async def test_a_reserve_cannot_accept(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    refused = await intake.client.post(
        f"/v1/applications/{ranked.apps[2]}/decision/accept", headers=applicant(ranked.orgs[2])
    )
    problem(refused, 409, "answer-only-when-granted")


async def test_an_ineligible_application_is_rejected_on_its_failed_rules(intake):
    import uuid

    from nic_shared.events.eligibility import (
        AssessedApplication,
        EligibilityAssessed,
        Outcome,
        RuleOutcome,
        RuleResultSummary,
    )
    from tests.intake.ranked import RANKED_AT, deliver

    ranked = await ranked_call(intake, unranked=True)
    await deliver(
        intake,
        EligibilityAssessed(
            assessment_id=uuid.uuid4(),
            application_id=uuid.UUID(ranked.unranked),
            call_id=uuid.UUID(ranked.call["id"]),
            version=1,
            outcome=Outcome.INELIGIBLE,
            rule_results=[
                RuleResultSummary(
                    rule_id="min_companies",
                    clause="004 §2",
                    outcome=RuleOutcome.FAIL,
                    severity="hard",
                    message_nb="Minst tre bedrifter må delta.",
                    message_en="At least three companies take part.",
                )
            ],
            assessed_at=RANKED_AT,
            application=AssessedApplication(
                title="Ikke rangert",
                applicant_org_number="910000004",
                requested_amount_nok=REQUESTED,
                submitted_at=RANKED_AT,
            ),
        ),
    )
    drafted = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions", headers=FIRST_OFFICER
    )
    [rejected] = [i for i in drafted.json()["items"] if i["application_id"] == ranked.unranked]
    assert rejected["outcome"] == "rejected"
    assert rejected["reasons"] == [
        {"nb": "Minst tre bedrifter må delta.", "en": "At least three companies take part."}
    ]
    granted = await intake.client.put(
        f"/v1/applications/{ranked.unranked}/decision",
        json={"outcome": "granted", "amount_nok": 1, "amount_reason": "x"},
        headers=FIRST_OFFICER,
    )
    problem(granted, 422, "not-in-ranking")  # an ineligible one can only be rejected


async def test_two_lapse_runs_at_once_promote_the_reserve_once(intake):
    import asyncio

    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    intake.clock.now += timedelta(days=15)
    url = f"/v1/calls/{ranked.call['id']}/decisions/lapse"
    first, second = await asyncio.gather(
        intake.client.post(url, headers=OFFICER), intake.client.post(url, headers=OFFICER)
    )
    assert {first.status_code, second.status_code} <= {200, 503}
    promoted = [r.json()["promoted"] for r in (first, second) if r.status_code == 200]
    assert sum(len(p) for p in promoted) == 1
    reserve = await intake.client.get(
        f"/v1/applications/{ranked.apps[2]}/decision", headers=applicant(ranked.orgs[2])
    )
    assert reserve.json()["version"] == 2
    assert await scalar(intake.database_url, "SELECT count(*) FROM decision_versions") == 5


async def test_a_correction_in_progress_leaves_the_sent_decision_visible(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    own = applicant(ranked.orgs[0])
    url = f"/v1/applications/{ranked.apps[0]}/decision"
    sent = (await intake.client.get(url, headers=own)).json()
    corrected = await intake.client.put(
        url, json={"outcome": "granted", "amount_nok": 1_000_000}, headers=FIRST_OFFICER
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["version"] == 2
    still = await intake.client.get(url, headers=own)
    assert still.json() == sent  # the draft is not the applicant's to see
    letter = await intake.client.get(f"{url}/letter", headers=own)
    assert letter.status_code == 200
    pending = await intake.client.post(f"{url}/accept", headers=own)
    problem(pending, 409, "decision-pending")
    approved = await intake.client.post(
        f"/v1/decisions/{sent['decision_id']}/approve", json={"version": 2}, headers=SECOND_OFFICER
    )
    assert approved.status_code == 200, approved.text
    now = (await intake.client.get(url, headers=own)).json()
    assert (now["version"], now["amount_nok"]) == (2, 1_000_000)
    assert now["letter_sha256"] != sent["letter_sha256"]
    stale = await intake.client.post(
        f"/v1/decisions/{sent['decision_id']}/approve", json={"version": 1}, headers=SECOND_OFFICER
    )
    problem(stale, 409, "decision-version-stale")


async def test_a_cluster_manager_does_not_read_the_decision(intake):
    from tests.support.services import auth

    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    from tests.intake.builders import CLUSTER_A

    manager = auth("cluster_manager", cluster=CLUSTER_A)
    sees = await intake.client.get(f"/v1/applications/{ranked.apps[0]}/status", headers=manager)
    assert sees.status_code == 200  # the manager may follow the application, not its decision
    for path in ("decision", "decision/letter"):
        response = await intake.client.get(
            f"/v1/applications/{ranked.apps[0]}/{path}", headers=manager
        )
        assert response.status_code == 404
