"""Setting work aside: a late conflict, a withdrawal, or a lost eligibility.

Each removes the assignment(s), marks the standing reviews invalid (kept, with the reason,
never counted), drops a result those reviews reached (and its consensus), and writes the
audit trail. This is the one place that keeps the invariant the property test checks: no
standing review and no result comes from a conflicted member or a withdrawn application.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.domain.reviews import ReviewStatus
from nic_scoring.ranking import staleness

STANDING = (ReviewStatus.DRAFT.value, ReviewStatus.SUBMITTED.value)


async def set_aside(
    session: AsyncSession,
    *,
    application_id: UUID,
    panel_id: UUID | None,
    member_id: UUID | None,
    reason: str,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Set aside one member's work on an application, or everyone's when member_id is None."""
    assignments = select(models.Assignment).where(
        models.Assignment.application_id == application_id
    )
    reviews = select(models.ReviewRow).where(
        models.ReviewRow.application_id == application_id,
        models.ReviewRow.status.in_(STANDING),
    )
    if member_id is not None:
        assignments = assignments.where(models.Assignment.member_id == member_id)
        reviews = reviews.where(models.ReviewRow.member_id == member_id)
    removed = (await session.scalars(assignments)).all()
    for assignment in removed:
        await session.delete(assignment)
        await _audit(
            session,
            panel_id,
            application_id,
            assignment.member_id,
            "assignment_removed",
            {"reason": reason},
            actor,
            now,
        )
    invalidated = (await session.scalars(reviews)).all()
    for review in invalidated:
        previous = review.status
        review.status = ReviewStatus.INVALID.value
        review.invalid_reason = reason
        review.updated_at = now
        await _audit(
            session,
            panel_id,
            application_id,
            review.member_id,
            "review_invalidated",
            {"review_id": str(review.id), "was": previous, "reason": reason},
            actor,
            now,
        )
    result = await session.get(models.PanelResultRow, application_id)
    dropped = result is not None and (member_id is None or str(member_id) in result.reviewer_ids)
    if dropped:
        await session.execute(
            delete(models.PanelResultRow).where(
                models.PanelResultRow.application_id == application_id
            )
        )
        await session.execute(
            delete(models.Consensus).where(models.Consensus.application_id == application_id)
        )
        await _audit(
            session,
            panel_id,
            application_id,
            member_id,
            "result_withdrawn",
            {"reason": reason},
            actor,
            now,
        )
    app = await session.get(models.ScoringApplication, application_id)
    if app is not None:
        await staleness.announce(session, app.call_id, now)
    await session.flush()
    return {
        "assignments_removed": len(removed),
        "reviews_invalidated": [str(r.id) for r in invalidated],
        "result_withdrawn": dropped,
    }


async def drop_result(session: AsyncSession, application_id: UUID) -> None:
    """A new reviewer makes the panel's view incomplete: the earlier result goes."""
    await session.execute(
        delete(models.PanelResultRow).where(models.PanelResultRow.application_id == application_id)
    )
    await session.execute(
        delete(models.Consensus).where(models.Consensus.application_id == application_id)
    )


async def _audit(
    session: AsyncSession,
    panel_id: UUID | None,
    application_id: UUID,
    member_id: UUID | None,
    action: str,
    details: dict[str, Any],
    actor: str,
    now: datetime,
) -> None:
    session.add(
        models.AuditEntry(
            panel_id=panel_id,
            application_id=application_id,
            member_id=member_id,
            action=action,
            details=details,
            actor=actor,
            occurred_at=now,
        )
    )


audit = _audit
