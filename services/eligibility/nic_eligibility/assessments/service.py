"""Reading assessments, the officers' queue, and overrides with their audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_eligibility import problem_types  # noqa: F401  (registers the problem titles)
from nic_eligibility.access import may_read
from nic_eligibility.assessments.schemas import OverrideIn
from nic_eligibility.models import OPEN, AssessmentRow, OverrideRow
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.events.eligibility import (
    AssessedApplication,
    EligibilityOverridden,
    Outcome,
)
from nic_shared.http import decode_cursor, encode_cursor, require_if_match
from nic_shared.problems import BadRequest, Conflict, NotFound


def not_found(what: str, ident: uuid.UUID) -> NotFound:
    return NotFound(f"no assessment for {what} {ident}", detail_nb=f"ingen vurdering for {ident}")


async def readable(
    session: AsyncSession, principal: Principal, assessment_id: uuid.UUID
) -> AssessmentRow:
    row = await session.get(AssessmentRow, assessment_id)
    if row is None or not may_read(principal, row.applicant_org_number):
        raise not_found("assessment", assessment_id)
    return row


async def current_for_application(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID
) -> AssessmentRow:
    """The latest version's assessment (open or closed)."""
    row = await session.scalar(
        select(AssessmentRow).where(
            AssessmentRow.application_id == application_id, AssessmentRow.current.is_(True)
        )
    )
    if row is None or not may_read(principal, row.applicant_org_number):
        raise not_found("application", application_id)
    return row


async def overrides_of(session: AsyncSession, assessment_id: uuid.UUID) -> list[OverrideRow]:
    return list(
        await session.scalars(
            select(OverrideRow)
            .where(OverrideRow.assessment_id == assessment_id)
            .order_by(OverrideRow.overridden_at, OverrideRow.id)
        )
    )


async def page(
    session: AsyncSession,
    *,
    call_id: uuid.UUID | None,
    outcome: Outcome | None,
    status: str | None,
    current_only: bool,
    applicant_org_number: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AssessmentRow], str | None]:
    """A stable page, oldest assessment first, keyset-paged on (assessed_at, id)."""
    query: Select[tuple[AssessmentRow]] = select(AssessmentRow)
    if call_id is not None:
        query = query.where(AssessmentRow.call_id == call_id)
    if outcome is not None:
        query = query.where(AssessmentRow.outcome == outcome.value)
    if status is not None:
        query = query.where(AssessmentRow.status == status)
    if current_only:
        query = query.where(AssessmentRow.current.is_(True))
    if applicant_org_number is not None:
        query = query.where(AssessmentRow.applicant_org_number == applicant_org_number)
    if cursor is not None:
        after_at, after_id = _cursor(cursor)
        query = query.where(
            or_(
                AssessmentRow.assessed_at > after_at,
                and_(AssessmentRow.assessed_at == after_at, AssessmentRow.id > after_id),
            )
        )
    rows: list[AssessmentRow] = list(
        await session.scalars(
            query.order_by(AssessmentRow.assessed_at, AssessmentRow.id).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor(rows[-1].assessed_at.isoformat(), str(rows[-1].id)) if more else None
    )
    return rows, next_cursor


def _cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    values = decode_cursor(cursor)
    try:
        at, ident = values
        return datetime.fromisoformat(str(at)), uuid.UUID(str(ident))
    except (TypeError, ValueError) as exc:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor") from exc


async def override(
    session: AsyncSession,
    principal: Principal,
    assessment_id: uuid.UUID,
    body: OverrideIn,
    if_match: str | None,
    now: datetime,
) -> tuple[AssessmentRow, OverrideRow]:
    """An officer's decision replaces the outcome; the reason goes in the audit trail and
    EligibilityOverridden tells scoring and intake."""
    row = await session.get(AssessmentRow, assessment_id, with_for_update=True)
    if row is None:
        raise not_found("assessment", assessment_id)
    require_if_match(if_match, row.revision)
    if row.status != OPEN:
        raise Conflict(
            "the application was withdrawn; its assessment is closed",
            detail_nb="søknaden er trukket, og vurderingen er lukket",
            slug="assessment-closed",
        )
    if not row.current:
        raise Conflict(
            "a later version of the application has its own assessment",
            detail_nb="en senere versjon av søknaden har sin egen vurdering",
            slug="assessment-superseded",
        )
    previous = Outcome(row.outcome)
    if body.outcome is previous:
        raise Conflict(
            f"the outcome is already {previous.value}",
            detail_nb=f"utfallet er allerede {previous.value}",
            slug="override-unchanged",
        )
    entry = OverrideRow(
        id=uuid.uuid4(),
        assessment_id=row.id,
        previous_outcome=previous.value,
        outcome=body.outcome.value,
        reason=body.reason,
        overridden_by=principal.subject,
        overridden_at=now,
    )
    session.add(entry)
    row.outcome = body.outcome.value
    row.revision += 1
    await session.flush()
    await outbox.record(
        session,
        EligibilityOverridden(
            assessment_id=row.id,
            application_id=row.application_id,
            call_id=row.call_id,
            previous_outcome=previous,
            outcome=body.outcome,
            reason=body.reason,
            overridden_by=principal.subject,
            overridden_at=now,
            application=AssessedApplication.model_validate(row.application),
        ),
    )
    return row, entry
