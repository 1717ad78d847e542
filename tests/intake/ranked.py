"""A call with a published ranking, as intake learns it from scoring's events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from nic_intake.status.consumers import SUBSCRIPTIONS
from nic_shared.events import CloudEvent, EventPayload, new_event
from nic_shared.events.scoring import (
    CriterionMark,
    FundingOutcome,
    FundingRecommended,
    PanelScored,
    RankingEntry,
    RankingPublished,
)
from tests.intake.builders import (
    CLUSTER_A,
    OFFICER,
    OTHER_ORG,
    OWNER,
    PARTNER_B,
    PARTNER_C,
    applicant,
    attach,
    circular_content,
    submit,
)
from tests.support.services import auth

RANKED_AT = datetime(2026, 12, 20, 12, tzinfo=UTC)
ORGS = [OWNER, PARTNER_B, PARTNER_C, OTHER_ORG]
SECOND_OFFICER = auth("programme_officer", subject="officer-two")
FIRST_OFFICER = auth("programme_officer", subject="officer-one")
REQUESTED = 1_200_000
FEEDBACK = "Godt forankret prosjekt; planen for år to bør være mer konkret. Æøå."


def content_for(org: str, title: str) -> dict[str, Any]:
    """The circular call's complete content with `org` as project owner."""
    others = [o for o in ORGS if o != org][:2]
    content = circular_content()
    content["title"] = title
    content["cluster_id"] = CLUSTER_A
    content["project_owner"] = org
    content["partners"] = [
        {"org_number": org, "name": f"Eier {org} AS", "role": "owner", "declared_sme": True},
        {"org_number": others[0], "name": "Partner Én AS", "role": "partner"},
        {"org_number": others[1], "name": "Partner To AS", "role": "partner"},
    ]
    content["budget"] = [
        {"category": "personnel", "year": 2027, "partner": org, "amount_nok": 1_000_000},
        {"category": "personnel", "year": 2027, "partner": others[0], "amount_nok": 800_000},
        {"category": "services", "year": 2028, "partner": others[1], "amount_nok": 700_000},
    ]
    return content


async def deliver(intake: Any, payload: EventPayload) -> None:
    """Hand an event to intake's handler the way the consumer does: in one transaction."""
    event: CloudEvent = new_event(payload, source="/nic/test")
    handlers = {s.payload_type: s.handle for s in SUBSCRIPTIONS}
    async with intake.app.state.db.transaction() as session:
        await handlers[type(payload)](session, payload, event, None)


@dataclass
class Ranked:
    call: dict[str, Any]
    apps: list[str]  # in ranking order; the last one is ranked but below the threshold
    orgs: list[str]
    unranked: str | None = None


async def submitted(intake: Any, call_id: str, org: str, title: str, language: str) -> str:
    created = await intake.client.post(
        "/v1/applications",
        json={"call_id": call_id, "content": content_for(org, title), "language": language},
        headers=applicant(org),
    )
    assert created.status_code == 201, created.text
    app_id = str(created.json()["id"])
    assert (
        await attach(intake.client, app_id, "partner_goals_and_motivation", org=org)
    ).status_code == 201
    assert (await submit(intake.client, app_id, org=org)).status_code == 201, app_id
    return app_id


async def ranked_call(intake: Any, *, frame: int = 2_500_000, unranked: bool = False) -> Ranked:
    """Four applications: two recommended, one reserve, one below the threshold.

    The frame fits two grants; the reserve fits once one of them is declined. The second
    application is in English."""
    body = {
        "code": f"C-{uuid.uuid4().hex[:8].upper()}",
        "scheme": "circular_value_chains",
        "title": {"nb": "Sirkulære verdikjeder", "en": "Circular value chains"},
        "description": {"nb": "Beskrivelse", "en": "Description"},
        "opens_at_local": "2026-01-05T09:00:00",
        "deadline_local": "2026-12-01T16:00:00",
        "budget_frame_nok": frame,
    }
    created = await intake.client.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    call = (
        await intake.client.post(f"/v1/calls/{created.json()['id']}/publish", headers=OFFICER)
    ).json()
    titles = ["Symbiose i Grenland", "Circular plastics", "Slagg til sement", '=HYPERLINK("x")']
    languages = ["nb", "en", "nb", "nb"]
    apps = [
        await submitted(intake, call["id"], org, title, lang)
        for org, title, lang in zip(ORGS, titles, languages, strict=True)
    ]
    extra = None
    if unranked:
        extra = await submitted(intake, call["id"], OWNER, "Ikke rangert", "nb")
    outcomes = [
        (1, FundingOutcome.RECOMMENDED, REQUESTED),
        (2, FundingOutcome.RECOMMENDED, REQUESTED),
        (3, FundingOutcome.RESERVE, 0),
        (None, FundingOutcome.NOT_RECOMMENDED, 0),
    ]
    call_id = uuid.UUID(call["id"])
    for app_id in apps:
        await deliver(
            intake,
            PanelScored(
                application_id=uuid.UUID(app_id),
                call_id=call_id,
                marks=[CriterionMark(criterion_id="novelty", mark=Decimal(6))],
                weighted_total=Decimal("5.75"),
                passed_thresholds=True,
                by_consensus=True,
                applicant_feedback=FEEDBACK,
                scored_at=RANKED_AT,
            ),
        )
    for app_id, (rank, outcome, amount) in zip(apps, outcomes, strict=True):
        await deliver(
            intake,
            FundingRecommended(
                application_id=uuid.UUID(app_id),
                call_id=call_id,
                ranking_version=1,
                outcome=outcome,
                rank=rank,
                recommended_amount_nok=amount,
                recommended_at=RANKED_AT,
            ),
        )
    await deliver(
        intake,
        RankingPublished(
            call_id=call_id,
            ranking_version=1,
            budget_frame_nok=frame,
            recommended_total_nok=2 * REQUESTED,
            entries=[
                RankingEntry(
                    application_id=uuid.UUID(app_id),
                    title="t",
                    rank=rank,
                    weighted_total=Decimal("5.00"),
                    requested_amount_nok=REQUESTED,
                    outcome=outcome,
                )
                for app_id, (rank, outcome, _) in zip(apps, outcomes, strict=True)
            ],
            published_at=RANKED_AT,
        ),
    )
    intake.clock.now = datetime(2027, 1, 10, 9, tzinfo=UTC)
    return Ranked(call=call, apps=apps, orgs=ORGS, unranked=extra)


async def decide_and_approve(intake: Any, ranked: Ranked) -> list[dict[str, Any]]:
    drafted = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions", headers=FIRST_OFFICER
    )
    assert drafted.status_code == 201, drafted.text
    approved = await intake.client.post(
        f"/v1/calls/{ranked.call['id']}/decisions/approve", headers=SECOND_OFFICER
    )
    assert approved.status_code == 200, approved.text
    return list(approved.json()["items"])
