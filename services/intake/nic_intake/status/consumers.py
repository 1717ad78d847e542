"""One handler per consumed event: a timeline entry, and the application's current stage.

Only what the applicant may see is kept: the outcome, and the eligibility rules' own
messages; never reviewers, individual marks or totals (panel internals stay in scoring).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import Application, Call, Ranking, RankingEntry, StatusEntry
from nic_intake.priority.outcomes import tell_clusters
from nic_shared.consumer import Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import (
    EligibilityAssessed,
    EligibilityOverridden,
    RuleOutcome,
    RuleResultSummary,
)
from nic_shared.events.scoring import FundingRecommended, PanelScored, RankingPublished

log = logging.getLogger(__name__)


async def _entry(
    session: AsyncSession,
    event: CloudEvent,
    application_id: UUID,
    *,
    kind: str,
    outcome: str | None,
    details: dict[str, Any],
    occurred_at: datetime,
) -> Application | None:
    app = await session.get(Application, application_id)
    if app is None:
        log.warning("event for an unknown application", extra={"event_id": event.id})
        return None
    session.add(
        StatusEntry(
            application_id=application_id,
            kind=kind,
            outcome=outcome,
            details=details,
            occurred_at=occurred_at,
            event_id=event.id,
        )
    )
    app.stage = outcome or kind
    return app


def _failed_rules(results: list[RuleResultSummary]) -> list[dict[str, str]]:
    return [
        {"rule_id": r.rule_id, "message_nb": r.message_nb, "message_en": r.message_en}
        for r in results
        if r.outcome is RuleOutcome.FAIL
    ]


async def on_assessed(
    session: AsyncSession, payload: EligibilityAssessed, event: CloudEvent, _ctx: Any
) -> None:
    await _entry(
        session,
        event,
        payload.application_id,
        kind="eligibility_assessed",
        outcome=payload.outcome.value,
        details={"version": payload.version, "failed_rules": _failed_rules(payload.rule_results)},
        occurred_at=payload.assessed_at,
    )


async def on_overridden(
    session: AsyncSession, payload: EligibilityOverridden, event: CloudEvent, _ctx: Any
) -> None:
    await _entry(
        session,
        event,
        payload.application_id,
        kind="eligibility_overridden",
        outcome=payload.outcome.value,
        details={"reason": payload.reason},
        occurred_at=payload.overridden_at,
    )


async def on_scored(
    session: AsyncSession, payload: PanelScored, event: CloudEvent, _ctx: Any
) -> None:
    app = await _entry(
        session,
        event,
        payload.application_id,
        kind="panel_scored",
        outcome="scored",
        details={},  # marks and totals are panel internals
        occurred_at=payload.scored_at,
    )
    if app is not None and payload.applicant_feedback is not None:
        app.panel_feedback = payload.applicant_feedback  # released to the applicant, only this


async def on_recommended(
    session: AsyncSession, payload: FundingRecommended, event: CloudEvent, _ctx: Any
) -> None:
    app = await _entry(
        session,
        event,
        payload.application_id,
        kind="funding_recommended",
        outcome=payload.outcome.value,
        details={"recommended_amount_nok": payload.recommended_amount_nok},
        occurred_at=payload.recommended_at,
    )
    if app is not None and app.funding_recommended_at is None:
        app.funding_recommended_at = payload.recommended_at
    line = await _ranking_line(
        session, payload.call_id, payload.ranking_version, payload.application_id
    )
    line.rank = payload.rank
    line.outcome = payload.outcome.value
    line.recommended_amount_nok = payload.recommended_amount_nok


async def _ranking_line(
    session: AsyncSession, call_id: UUID, version: int, application_id: UUID
) -> RankingEntry:
    """The ranking line, made by whichever of RankingPublished/FundingRecommended comes first."""
    line = await session.get(RankingEntry, (call_id, version, application_id))
    if line is None:
        line = RankingEntry(call_id=call_id, ranking_version=version, application_id=application_id)
        session.add(line)
    return line


async def on_ranking_published(
    session: AsyncSession, payload: RankingPublished, _event: CloudEvent, _ctx: Any
) -> None:
    """A published ranking decides the call: its status becomes `decided` (the first one
    counts; a later version changes the recommendations, not when the call was decided)."""
    call = await session.get(Call, payload.call_id)
    if call is None:
        log.warning("ranking for an unknown call", extra={"call_id": str(payload.call_id)})
        return
    if call.decided_at is None:
        call.decided_at = payload.published_at
    first_time = await session.get(Ranking, (payload.call_id, payload.ranking_version)) is None
    if first_time and call.proposals_max is not None:
        await tell_clusters(session, call, payload)  # stage 6: clusters hear the outcome
    if first_time:
        session.add(
            Ranking(
                call_id=payload.call_id,
                ranking_version=payload.ranking_version,
                budget_frame_nok=payload.budget_frame_nok,
                published_at=payload.published_at,
            )
        )
    for entry in payload.entries:
        line = await _ranking_line(
            session, payload.call_id, payload.ranking_version, entry.application_id
        )
        line.rank = entry.rank
        line.outcome = entry.outcome.value
        line.requested_amount_nok = entry.requested_amount_nok


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(EligibilityAssessed, on_assessed),
    Subscription(EligibilityOverridden, on_overridden),
    Subscription(PanelScored, on_scored),
    Subscription(FundingRecommended, on_recommended),
    Subscription(RankingPublished, on_ranking_published),
]
