"""One handler per consumed event type.

- CallPublished: our copy of the call's scoring scheme and budget frame.
- EligibilityAssessed / EligibilityOverridden: the application as scoring knows it; an
  eligible one becomes scorable, an ineligible or needs-review one is not. An older
  assessment version than the one we hold is ignored; an override always applies (events of
  one application arrive in order: the Kafka key is its id). An application that stops
  being scorable has its panel work set aside (audited).
- ApplicationWithdrawn: the application is withdrawn for good; its work is set aside.
- ApplicationSubmitted: the submitted content, kept for the panel to read (ADR 0003).
- ClusterPrioritySubmitted: in a call with a cluster stage, only what the cluster forwarded
  becomes scorable, with the cluster's rank and marks; the others are closed
  (priority/forwarding.py).
- ClusterStageLapsed: a cluster forwarded nothing by its deadline; intake closed its
  proposals, and they are not_forwarded here too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring.common import panel_of_call
from nic_scoring.models import (
    ApplicationStatus,
    CallScheme,
    ScoringApplication,
    SubmittedVersion,
)
from nic_scoring.panels.invalidation import set_aside
from nic_scoring.priority import forwarding
from nic_scoring.ranking import staleness
from nic_shared.consumer import Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import (
    AssessedApplication,
    EligibilityAssessed,
    EligibilityOverridden,
    Outcome,
)
from nic_shared.events.intake import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CallPublished,
    ClusterPrioritySubmitted,
    ClusterStageLapsed,
)

EVENT_ACTOR = "event"
_STATUS = {
    Outcome.ELIGIBLE: ApplicationStatus.SCORABLE,
    Outcome.INELIGIBLE: ApplicationStatus.INELIGIBLE,
    Outcome.NEEDS_REVIEW: ApplicationStatus.PENDING,
}


async def on_call_published(
    session: AsyncSession, call: CallPublished, _event: CloudEvent, _context: Any
) -> None:
    """Keep our own copy of the call's scoring scheme and budget frame."""
    await session.merge(
        CallScheme(
            call_id=call.call_id,
            code=call.code,
            scheme=call.scheme.value,
            deadline=call.deadline,
            budget_frame_nok=call.budget_frame_nok,
            scoring_scheme=call.scoring_scheme.model_dump(mode="json"),
            cluster_stage=call.cluster_stage.model_dump(mode="json")
            if call.cluster_stage
            else None,
            updated_at=datetime.now(UTC),
        )
    )
    if call.cluster_stage is not None:
        await session.flush()
        await forwarding.regate_call(session, call.call_id, datetime.now(UTC))
    await staleness.announce(session, call.call_id, datetime.now(UTC))  # the budget changed?


async def _apply(
    session: AsyncSession,
    *,
    application_id: UUID,
    call_id: UUID,
    outcome: Outcome,
    version: int | None,
    facts: AssessedApplication,
    at: datetime,
) -> None:
    row = await session.get(ScoringApplication, application_id, with_for_update=True)
    if row is not None and row.status == ApplicationStatus.WITHDRAWN:
        return
    if row is not None and version is not None and version < row.eligibility_version:
        return  # an older assessment than the one we hold
    status = await forwarding.gate(session, call_id, application_id, _STATUS[outcome])
    if row is None:
        row = ScoringApplication(id=application_id, call_id=call_id, eligibility_version=0)
        session.add(row)
    was_scorable = row.status == ApplicationStatus.SCORABLE
    row.status = status
    row.title = facts.title
    row.applicant_org_number = facts.applicant_org_number
    row.partner_org_numbers = list(facts.partner_org_numbers)
    row.cluster_id = facts.cluster_id
    row.requested_amount_nok = facts.requested_amount_nok
    row.submitted_at = facts.submitted_at
    row.eligibility_version = max(version or 0, row.eligibility_version or 0)
    row.updated_at = at
    await session.flush()
    if was_scorable and row.status != ApplicationStatus.SCORABLE:
        panel = await panel_of_call(session, call_id)
        await set_aside(
            session,
            application_id=application_id,
            panel_id=panel.id if panel else None,
            member_id=None,
            reason=f"eligibility is now {outcome.value}",
            actor=EVENT_ACTOR,
            now=at,
        )


async def on_assessed(
    session: AsyncSession, payload: EligibilityAssessed, _event: CloudEvent, _context: Any
) -> None:
    await _apply(
        session,
        application_id=payload.application_id,
        call_id=payload.call_id,
        outcome=payload.outcome,
        version=payload.version,
        facts=payload.application,
        at=payload.assessed_at,
    )


async def on_overridden(
    session: AsyncSession, payload: EligibilityOverridden, _event: CloudEvent, _context: Any
) -> None:
    await _apply(
        session,
        application_id=payload.application_id,
        call_id=payload.call_id,
        outcome=payload.outcome,
        version=None,
        facts=payload.application,
        at=payload.overridden_at,
    )


async def on_withdrawn(
    session: AsyncSession, payload: ApplicationWithdrawn, _event: CloudEvent, _context: Any
) -> None:
    """Withdrawn for good. An application not yet assessed is kept as a bare tombstone, so a
    later assessment cannot make it scorable."""
    row = await session.get(ScoringApplication, payload.application_id, with_for_update=True)
    if row is None:
        session.add(
            ScoringApplication(
                id=payload.application_id,
                call_id=payload.call_id,
                status=ApplicationStatus.WITHDRAWN,
                title="",
                applicant_org_number="",
                partner_org_numbers=[],
                cluster_id=None,
                requested_amount_nok=0,
                submitted_at=payload.withdrawn_at,
                eligibility_version=0,
                updated_at=payload.withdrawn_at,
            )
        )
        return
    row.status = ApplicationStatus.WITHDRAWN
    row.updated_at = payload.withdrawn_at
    panel = await panel_of_call(session, row.call_id)
    await set_aside(
        session,
        application_id=row.id,
        panel_id=panel.id if panel else None,
        member_id=None,
        reason="application withdrawn",
        actor=EVENT_ACTOR,
        now=payload.withdrawn_at,
    )


async def on_submitted(
    session: AsyncSession, payload: ApplicationSubmitted, _event: CloudEvent, _context: Any
) -> None:
    """Keep each submitted version's content once (a redelivery changes nothing)."""
    key = (payload.application_id, payload.version)
    if await session.get(SubmittedVersion, key) is not None:
        return
    session.add(
        SubmittedVersion(
            application_id=payload.application_id,
            version=payload.version,
            call_id=payload.call_id,
            content=payload.content.model_dump(mode="json"),
            content_sha256=payload.content_sha256,
            submitted_at=payload.submitted_at,
        )
    )


async def on_forwarded(
    session: AsyncSession, payload: ClusterPrioritySubmitted, _event: CloudEvent, _context: Any
) -> None:
    """Only what the cluster forwarded reaches the panel; a second, other list is poison."""
    await forwarding.record_forwarding(session, payload)


async def on_lapsed(
    session: AsyncSession, payload: ClusterStageLapsed, _event: CloudEvent, _context: Any
) -> None:
    """The proposals of a cluster that forwarded nothing by its deadline are closed."""
    await forwarding.record_lapse(session, payload)


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(CallPublished, on_call_published),
    Subscription(EligibilityAssessed, on_assessed),
    Subscription(EligibilityOverridden, on_overridden),
    Subscription(ApplicationWithdrawn, on_withdrawn),
    Subscription(ApplicationSubmitted, on_submitted),
    Subscription(ClusterPrioritySubmitted, on_forwarded),
    Subscription(ClusterStageLapsed, on_lapsed),
]
