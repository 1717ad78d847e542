"""The status timeline from consumed events, and withdrawal until a funding recommendation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from nic_intake.status.consumers import SUBSCRIPTIONS
from nic_shared.events import CloudEvent, EventPayload, new_event
from nic_shared.events.eligibility import (
    AssessedApplication,
    EligibilityAssessed,
    Outcome,
    RuleOutcome,
    RuleResultSummary,
)
from nic_shared.events.scoring import (
    CriterionMark,
    FundingOutcome,
    FundingRecommended,
    PanelScored,
    RankingEntry,
    RankingPublished,
)
from tests.intake.builders import applicant, complete_circular, open_call, outbox_events, submit

AT = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def deliver(intake, payload: EventPayload) -> None:
    """Hand an event to intake's handler the way the consumer does: in one transaction."""
    event: CloudEvent = new_event(payload, source="/nic/test")
    handlers = {s.payload_type: s.handle for s in SUBSCRIPTIONS}
    async with intake.app.state.db.transaction() as session:
        await handlers[type(payload)](session, payload, event, None)


def assessed(app_id: str, call_id: str) -> EligibilityAssessed:
    return EligibilityAssessed(
        assessment_id=uuid.uuid4(),
        application_id=uuid.UUID(app_id),
        call_id=uuid.UUID(call_id),
        version=1,
        outcome=Outcome.ELIGIBLE,
        rule_results=[
            RuleResultSummary(
                rule_id="min_companies",
                clause="004 §2",
                outcome=RuleOutcome.PASS,
                severity="hard",
                message_nb="Minst tre bedrifter.",
                message_en="At least three companies.",
            )
        ],
        assessed_at=AT,
        application=AssessedApplication(
            title="T",
            applicant_org_number="910000004",
            requested_amount_nok=1_200_000,
            submitted_at=AT,
        ),
    )


def scored(app_id: str, call_id: str) -> PanelScored:
    return PanelScored(
        application_id=uuid.UUID(app_id),
        call_id=uuid.UUID(call_id),
        marks=[CriterionMark(criterion_id="novelty", mark=Decimal(6))],
        weighted_total=Decimal("5.75"),
        passed_thresholds=True,
        by_consensus=True,
        scored_at=AT,
    )


def recommended(app_id: str, call_id: str) -> FundingRecommended:
    return FundingRecommended(
        application_id=uuid.UUID(app_id),
        call_id=uuid.UUID(call_id),
        ranking_version=1,
        outcome=FundingOutcome.RECOMMENDED,
        rank=1,
        recommended_amount_nok=1_200_000,
        recommended_at=AT,
    )


async def test_timeline_shows_decisions_but_no_panel_internals(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    await deliver(intake, assessed(app_id, call["id"]))
    await deliver(intake, scored(app_id, call["id"]))
    await deliver(intake, recommended(app_id, call["id"]))

    status = await intake.client.get(f"/v1/applications/{app_id}/status", headers=applicant())
    assert status.status_code == 200
    body = status.json()
    assert [e["kind"] for e in body["timeline"]] == [
        "submitted",
        "eligibility_assessed",
        "panel_scored",
        "funding_recommended",
    ]
    assert body["stage"] == "recommended"
    text = status.text
    for internal in ("weighted_total", "5.75", "marks", "novelty", "panel_member", "reviewer"):
        assert internal not in text


async def test_withdrawal_with_a_reason_then_never_again(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    url = f"/v1/applications/{app_id}/withdraw"
    not_sent = await intake.client.post(url, json={"reason": "feil"}, headers=applicant())
    assert not_sent.status_code == 409
    assert (await submit(intake.client, app_id)).status_code == 201

    withdrawn = await intake.client.post(
        url, json={"reason": "Konsortiet gikk i oppløsning"}, headers=applicant()
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    [event] = await outbox_events(intake.database_url, "no.nic.application.withdrawn.v1")
    assert event["data"]["reason"] == "Konsortiet gikk i oppløsning"
    assert event["subject"] == app_id

    again = await intake.client.post(url, json={"reason": "igjen"}, headers=applicant())
    assert again.json()["type"] == "urn:nic:problem:application-withdrawn"
    resubmit = await submit(intake.client, app_id)
    assert resubmit.status_code == 409
    status = await intake.client.get(f"/v1/applications/{app_id}/status", headers=applicant())
    assert status.json()["timeline"][-1]["kind"] == "withdrawn"


async def test_no_withdrawal_once_a_funding_recommendation_exists(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    await deliver(intake, recommended(app_id, call["id"]))
    refused = await intake.client.post(
        f"/v1/applications/{app_id}/withdraw", json={"reason": "for sent"}, headers=applicant()
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:funding-recommended"
    assert await outbox_events(intake.database_url, "no.nic.application.withdrawn.v1") == []


async def test_a_published_ranking_decides_the_call(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    officer = {"Authorization": applicant()["Authorization"]}
    before = await intake.client.get(f"/v1/calls/{call['id']}", headers=officer)
    assert before.json()["status"] == "open"
    ranking = RankingPublished(
        call_id=uuid.UUID(call["id"]),
        ranking_version=1,
        budget_frame_nok=1_000_000,
        recommended_total_nok=1_200_000,
        entries=[
            RankingEntry(
                application_id=uuid.UUID(app_id),
                title="T",
                rank=1,
                weighted_total=Decimal("5.75"),
                requested_amount_nok=1_200_000,
                outcome=FundingOutcome.RECOMMENDED,
            )
        ],
        published_at=AT,
    )
    await deliver(intake, ranking)
    after = await intake.client.get(f"/v1/calls/{call['id']}", headers=officer)
    assert after.json()["status"] == "decided"
