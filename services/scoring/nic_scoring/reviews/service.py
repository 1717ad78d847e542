"""Reviews: a reviewer saves drafts and submits; what a reviewer and an officer may read.

The submit path is the hot one (see bench/scoring_bench.py): the application row is locked
(PostgreSQL; SQLite has one writer anyway) so two last reviewers cannot both miss the
moment the result becomes final; then a handful of key lookups, one write, one outbox row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import (
    MarkIn,
    criterion_marks,
    decimal_marks,
    invalid_marks,
    marks_out,
    member_id_of,
    not_assigned,
    parties,
    scheme_for,
    stored_marks,
)
from nic_scoring.domain.conflicts import PanelMember, is_conflicted
from nic_scoring.domain.marks import InvalidMarksError, as_criterion_marks, validate_marks
from nic_scoring.domain.reviews import ReviewStatus
from nic_scoring.domain.window import WindowRule, oslo_text, outside_window
from nic_scoring.models import ApplicationStatus
from nic_scoring.panels.invalidation import STANDING
from nic_scoring.reviews import results, schemas
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.events.scoring import ReviewSubmitted
from nic_shared.events.specs import ScoringSchemeSpec
from nic_shared.problems import Conflict


class Assigned:
    """A reviewer's standing on one application, checked: assigned and not conflicted."""

    def __init__(
        self,
        app: models.ScoringApplication,
        panel: models.Panel,
        member_id: UUID,
        scheme: ScoringSchemeSpec,
        review: models.ReviewRow | None,
    ) -> None:
        self.app, self.panel, self.member_id, self.scheme = app, panel, member_id, scheme
        self.review = review
        """The member's standing (draft or submitted) review, if any."""


async def assigned(
    session: AsyncSession, principal: Principal, application_id: UUID, *, lock: bool = False
) -> Assigned:
    """404 unless the application is assigned to the caller and they are not conflicted.

    One statement: the assignment with its application, panel, member, the call's scheme
    and whether the member declared a conflict (the hot path of every review request).
    """
    member_id = member_id_of(principal)
    declared = (
        select(models.DeclaredConflict.member_id)
        .where(
            models.DeclaredConflict.panel_id == models.Assignment.panel_id,
            models.DeclaredConflict.member_id == member_id,
            models.DeclaredConflict.application_id == application_id,
        )
        .exists()
    )
    query = (
        select(
            models.ScoringApplication,
            models.Panel,
            models.PanelMember,
            models.CallScheme.scoring_scheme,
            declared,
            models.ReviewRow,
        )
        .select_from(models.Assignment)
        .join(models.ScoringApplication, models.ScoringApplication.id == application_id)
        .join(models.Panel, models.Panel.id == models.Assignment.panel_id)
        .join(
            models.PanelMember,
            (models.PanelMember.panel_id == models.Assignment.panel_id)
            & (models.PanelMember.member_id == member_id),
        )
        .join(models.CallScheme, models.CallScheme.call_id == models.ScoringApplication.call_id)
        .outerjoin(
            models.ReviewRow,
            (models.ReviewRow.application_id == application_id)
            & (models.ReviewRow.member_id == member_id)
            & models.ReviewRow.status.in_(STANDING),
        )
        .where(
            models.Assignment.application_id == application_id,
            models.Assignment.member_id == member_id,
        )
    )
    if lock:
        query = query.with_for_update(of=models.ScoringApplication)
    found = (await session.execute(query)).one_or_none()
    if found is None:
        raise not_assigned(application_id)
    app, panel, row, scheme_json, has_declared, review = found
    member = PanelMember(
        member_id,
        frozenset(row.org_numbers),
        frozenset(UUID(c) for c in row.cluster_ids),
        frozenset({application_id} if has_declared else ()),
    )
    if is_conflicted(member, parties(app)):
        raise not_assigned(application_id)
    if app.status != ApplicationStatus.SCORABLE:
        raise Conflict(f"application {app.id} is {app.status}", slug="application-not-scorable")
    scheme = ScoringSchemeSpec.model_validate(scheme_json)
    return Assigned(app, panel, member_id, scheme, review)


def check_window(panel: models.Panel, now: datetime) -> None:
    """409 naming the panel's review window when `now` is outside it."""
    rule = outside_window(panel.opens_at, panel.closes_at, now)
    if rule is None:
        return
    window = {
        "opens_at": oslo_text(panel.opens_at) if panel.opens_at else None,
        "closes_at": oslo_text(panel.closes_at) if panel.closes_at else None,
    }
    when = "has not opened" if rule is WindowRule.NOT_OPEN else "has closed"
    raise Conflict(
        f"the panel's review window {when} (opens {window['opens_at'] or '-'}, "
        f"closes {window['closes_at'] or '-'}, Europe/Oslo)",
        slug=str(rule),
        detail_nb="vurderingsvinduet er ikke åpent",
        window=window,
    )


async def save_draft(
    session: AsyncSession,
    who: Assigned,
    marks: list[MarkIn],
    comment: str | None,
    now: datetime,
    *,
    applicant_comment: str | None = None,
    status: ReviewStatus = ReviewStatus.DRAFT,
) -> models.ReviewRow:
    """Create or replace the caller's draft (or, from `submit`, the submitted review);
    marks must be complete and on the scale."""
    check_window(who.panel, now)
    try:
        validate_marks(who.scheme, criterion_marks(marks))
    except InvalidMarksError as error:
        raise invalid_marks(error, marks) from error
    review = who.review
    if review is not None and review.status == ReviewStatus.SUBMITTED.value:
        raise Conflict("a submitted review cannot be changed", slug="review-submitted")
    if review is None:
        review = models.ReviewRow(
            id=uuid.uuid4(),
            application_id=who.app.id,
            member_id=who.member_id,
            panel_id=who.panel.id,
            invalid_reason=None,
        )
        session.add(review)
    review.status = status.value
    review.submitted_at = now if status is ReviewStatus.SUBMITTED else None
    review.marks = stored_marks(marks)
    review.comment = comment
    review.applicant_comment = applicant_comment
    review.updated_at = now
    await session.flush()
    return review


async def submit(
    session: AsyncSession,
    who: Assigned,
    marks: list[MarkIn] | None,
    comment: str | None,
    now: datetime,
    *,
    applicant_comment: str | None = None,
) -> models.ReviewRow:
    """Submit (saving the given marks first, if any): ReviewSubmitted, maybe PanelScored."""
    check_window(who.panel, now)
    if marks is not None:
        review = await save_draft(
            session,
            who,
            marks,
            comment,
            now,
            applicant_comment=applicant_comment,
            status=ReviewStatus.SUBMITTED,
        )
    else:
        found = who.review
        if found is None:
            raise Conflict("there is no draft to submit", slug="no-draft")
        if found.status == ReviewStatus.SUBMITTED.value:
            raise Conflict("the review is already submitted", slug="review-submitted")
        found.status = ReviewStatus.SUBMITTED.value
        if applicant_comment is not None:
            found.applicant_comment = applicant_comment
        found.submitted_at = now
        found.updated_at = now
        await session.flush()
        review = found
    await outbox.record(
        session,
        ReviewSubmitted(
            review_id=review.id,
            application_id=who.app.id,
            call_id=who.app.call_id,
            panel_member_id=who.member_id,
            marks=as_criterion_marks(who.scheme, decimal_marks(review.marks)),
            submitted_at=now,
        ),
    )
    await results.finalise_if_complete(session, who.app, who.panel, who.scheme, now)
    return review


async def my_review(session: AsyncSession, who: Assigned) -> models.ReviewRow | None:
    return who.review


def review_out(scheme: ScoringSchemeSpec, row: models.ReviewRow) -> schemas.ReviewOut:
    return schemas.ReviewOut(
        review_id=row.id,
        application_id=row.application_id,
        status=row.status,
        marks=marks_out(scheme, row.marks),
        comment=row.comment,
        applicant_comment=row.applicant_comment,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


async def my_assignments(
    session: AsyncSession, principal: Principal
) -> list[schemas.AssignedApplicationOut]:
    """The caller's assigned applications (a conflicted one is never among them)."""
    member_id = member_id_of(principal)
    rows = (
        await session.execute(
            select(models.ScoringApplication, models.Panel.blind)
            .join(
                models.Assignment, models.Assignment.application_id == models.ScoringApplication.id
            )
            .join(models.Panel, models.Panel.id == models.Assignment.panel_id)
            .where(models.Assignment.member_id == member_id)
            .order_by(models.ScoringApplication.submitted_at, models.ScoringApplication.id)
        )
    ).all()
    reviews = {
        r.application_id: r.status
        for r in (
            await session.scalars(
                select(models.ReviewRow).where(
                    models.ReviewRow.member_id == member_id, models.ReviewRow.status.in_(STANDING)
                )
            )
        ).all()
    }
    return [assigned_out(app, reviews.get(app.id), blind=blind) for app, blind in rows]


def assigned_out(
    app: models.ScoringApplication, review_status: str | None, *, blind: bool
) -> schemas.AssignedApplicationOut:
    return schemas.AssignedApplicationOut(
        application_id=app.id,
        call_id=app.call_id,
        title=app.title,
        blind=blind,
        applicant_org_number=None if blind else app.applicant_org_number,
        partner_org_numbers=[] if blind else app.partner_org_numbers,
        cluster_id=None if blind else app.cluster_id,
        requested_amount_nok=app.requested_amount_nok,
        submitted_at=app.submitted_at,
        review_status=review_status,
    )


async def all_reviews(
    session: AsyncSession, app: models.ScoringApplication
) -> list[schemas.StaffReviewOut]:
    _, scheme = await scheme_for(session, app.call_id)
    rows = (
        await session.scalars(
            select(models.ReviewRow)
            .where(models.ReviewRow.application_id == app.id)
            .order_by(models.ReviewRow.updated_at, models.ReviewRow.id)
        )
    ).all()
    return [
        schemas.StaffReviewOut(
            **review_out(scheme, r).model_dump(),
            member_id=r.member_id,
            invalid_reason=r.invalid_reason,
        )
        for r in rows
    ]


async def cluster_rank(session: AsyncSession, application_id: UUID) -> int | None:
    """The rank its cluster gave it when forwarding (Innovasjonsrammen), if any."""
    row = await session.get(models.ForwardedProposal, application_id)
    return row.cluster_rank if row is not None and row.forwarded else None


async def application_state(
    session: AsyncSession, app: models.ScoringApplication
) -> schemas.ApplicationStateOut:
    members = (
        await session.scalars(
            select(models.Assignment.member_id)
            .where(models.Assignment.application_id == app.id)
            .order_by(models.Assignment.member_id)
        )
    ).all()
    result = await session.get(models.PanelResultRow, app.id)
    return schemas.ApplicationStateOut(
        cluster_rank=await cluster_rank(session, app.id),
        application_id=app.id,
        call_id=app.call_id,
        status=app.status,
        title=app.title,
        requested_amount_nok=app.requested_amount_nok,
        submitted_at=app.submitted_at,
        assigned_member_ids=list(members),
        result=results.result_out(result) if result else None,
    )
