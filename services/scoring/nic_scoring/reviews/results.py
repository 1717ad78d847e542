"""An application's final result: from the submitted reviews, or the panel's consensus.

Final means: every current assignment has a submitted review and there are at least the
panel's N of them (automatically, on the last submission), or an officer closes it with
fewer (`score`), or — where the scheme requires consensus — the chair or an officer records
the consensus marks. Each final result is stored and published as PanelScored; a result that
a later conflict, withdrawal or new assignment undoes is deleted, and the next final result
is published again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import (
    MarkIn,
    criterion_marks,
    decimal_marks,
    domain_members,
    invalid_marks,
    is_officer,
    not_assigned,
    parties,
    stored_marks,
)
from nic_scoring.domain.conflicts import is_conflicted
from nic_scoring.domain.marks import InvalidMarksError, as_criterion_marks
from nic_scoring.domain.panel_score import PanelScore, score_consensus, score_reviews
from nic_scoring.domain.reviews import ReviewStatus
from nic_scoring.ranking import staleness
from nic_scoring.reviews.schemas import ResultOut, ThresholdMissOut
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.events.scoring import PanelScored, ThresholdMiss
from nic_shared.events.specs import ScoringSchemeSpec
from nic_shared.problems import Conflict


async def submitted_reviews(
    session: AsyncSession, application_id: UUID
) -> tuple[list[UUID], list[models.ReviewRow]]:
    """The assigned members and the submitted reviews of those members (one statement)."""
    rows = (
        await session.execute(
            select(models.Assignment.member_id, models.ReviewRow)
            .outerjoin(
                models.ReviewRow,
                (models.ReviewRow.application_id == models.Assignment.application_id)
                & (models.ReviewRow.member_id == models.Assignment.member_id)
                & (models.ReviewRow.status == ReviewStatus.SUBMITTED.value),
            )
            .where(models.Assignment.application_id == application_id)
            .order_by(models.Assignment.member_id)
        )
    ).all()
    return [m for m, _ in rows], [r for _, r in rows if r is not None]


def _complete(assigned: list[UUID], reviews: list[models.ReviewRow]) -> None:
    if not assigned:
        raise Conflict("no reviewer is assigned", slug="reviews-incomplete")
    if len(reviews) != len(assigned):
        missing = sorted(str(m) for m in set(assigned) - {r.member_id for r in reviews})
        raise Conflict(
            "not every assigned reviewer has submitted",
            slug="reviews-incomplete",
            detail_nb="ikke alle tildelte har sendt inn vurderingen",
            waiting_for=missing,
        )


async def finalise_if_complete(
    session: AsyncSession,
    app: models.ScoringApplication,
    panel: models.Panel,
    scheme: ScoringSchemeSpec,
    now: datetime,
) -> models.PanelResultRow | None:
    """After a submission: score when every one of at least N assignees has submitted."""
    if scheme.consensus_required:
        return None
    assigned, reviews = await submitted_reviews(session, app.id)
    if len(assigned) < panel.reviewers_per_application or len(reviews) != len(assigned):
        return None
    return await _store(session, app, scheme, _from_reviews(scheme, reviews), reviews, now)


async def score(
    session: AsyncSession, app: models.ScoringApplication, scheme: ScoringSchemeSpec, now: datetime
) -> models.PanelResultRow:
    """An officer closes an application whose assignees have all submitted, however few."""
    if scheme.consensus_required:
        raise Conflict("this call is scored by consensus", slug="consensus-required")
    assigned, reviews = await submitted_reviews(session, app.id)
    _complete(assigned, reviews)
    return await _store(session, app, scheme, _from_reviews(scheme, reviews), reviews, now)


async def record_consensus(
    session: AsyncSession,
    principal: Principal,
    app: models.ScoringApplication,
    panel: models.Panel,
    scheme: ScoringSchemeSpec,
    marks: list[MarkIn],
    comment: str,
    feedback: str | None,
    now: datetime,
) -> models.PanelResultRow:
    """The chair (not conflicted with the application) or an officer records the consensus."""
    if not is_officer(principal):
        member = principal.panel_member_id
        row = await session.get(models.PanelMember, (panel.id, member)) if member else None
        if row is None or not row.chair:
            raise not_assigned(app.id)
        members = await domain_members(session, panel.id, [row.member_id])
        if is_conflicted(members[row.member_id], parties(app)):
            raise not_assigned(app.id)
    if not scheme.consensus_required:
        raise Conflict("this call has no consensus step", slug="consensus-not-required")
    assigned, reviews = await submitted_reviews(session, app.id)
    _complete(assigned, reviews)
    try:
        agreed = score_consensus(scheme, criterion_marks(marks))
    except InvalidMarksError as error:
        raise invalid_marks(error, marks) from error
    await session.execute(delete(models.Consensus).where(models.Consensus.application_id == app.id))
    consensus = models.Consensus(
        application_id=app.id,
        marks=stored_marks(marks),
        comment=comment,
        applicant_feedback=feedback,
        recorded_by=principal.subject,
        recorded_at=now,
    )
    session.add(consensus)
    return await _store(session, app, scheme, agreed, reviews, now, consensus)


def _from_reviews(scheme: ScoringSchemeSpec, reviews: list[models.ReviewRow]) -> PanelScore:
    return score_reviews(
        scheme, [as_criterion_marks(scheme, decimal_marks(r.marks)) for r in reviews]
    )


async def _store(
    session: AsyncSession,
    app: models.ScoringApplication,
    scheme: ScoringSchemeSpec,
    result: PanelScore,
    reviews: list[models.ReviewRow],
    now: datetime,
    consensus: models.Consensus | None = None,
) -> models.PanelResultRow:
    misses = [
        ThresholdMiss(criterion_id=m.criterion_id, required=m.required, actual=m.actual)
        for m in result.thresholds.misses
    ]
    row = await session.get(models.PanelResultRow, app.id)
    if row is None:
        row = models.PanelResultRow(application_id=app.id, call_id=app.call_id)
        session.add(row)
    row.marks = {k: str(v) for k, v in result.marks.items()}
    row.weighted_total = str(result.weighted_total)
    row.passed_thresholds = result.passed_thresholds
    row.threshold_misses = [_exact_miss(m) for m in misses]  # exact; rounded when served
    row.by_consensus = result.by_consensus
    row.reviewer_ids = sorted(str(r.member_id) for r in reviews)
    row.scored_at = now
    await session.flush()
    await outbox.record(
        session,
        PanelScored(
            application_id=app.id,
            call_id=app.call_id,
            marks=as_criterion_marks(scheme, result.marks),
            weighted_total=result.weighted_total,
            passed_thresholds=result.passed_thresholds,
            threshold_misses=misses,
            by_consensus=result.by_consensus,
            applicant_feedback=applicant_feedback(consensus, reviews),
            scored_at=now,
        ),
    )
    await staleness.announce(session, app.call_id, now)
    return row


def _exact_miss(miss: ThresholdMiss) -> dict[str, str | None]:
    return {
        "criterion_id": miss.criterion_id,
        "required": str(miss.required),
        "actual": str(miss.actual),
    }


def applicant_feedback(
    consensus: models.Consensus | None, reviews: list[models.ReviewRow]
) -> str | None:
    """What the panel releases to the applicant: the consensus text when there is one, else
    the reviewers' comments to the applicant (unsigned), never their internal notes."""
    if consensus is not None and consensus.applicant_feedback:
        return consensus.applicant_feedback
    texts = [r.applicant_comment for r in reviews if r.applicant_comment]
    return "\n\n".join(texts) or None


def result_out(row: models.PanelResultRow) -> ResultOut:
    return ResultOut(
        application_id=row.application_id,
        marks={k: Decimal(v) for k, v in row.marks.items()},
        weighted_total=Decimal(row.weighted_total),
        passed_thresholds=row.passed_thresholds,
        threshold_misses=[ThresholdMissOut.model_validate(m) for m in row.threshold_misses],
        by_consensus=row.by_consensus,
        reviewer_ids=[UUID(r) for r in row.reviewer_ids],
        scored_at=row.scored_at,
    )
