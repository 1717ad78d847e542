"""Draft use cases: create for an open call, read, replace the content under If-Match."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import applicant_org, editable, visible
from nic_intake.applications.schemas import (
    ApplicationCreate,
    ApplicationListItem,
    ApplicationOut,
    ApplicationStatus,
    BudgetSummary,
    DraftContent,
)
from nic_intake.applications.second_stage import followed_proposal
from nic_intake.calls.schemas import CallStatus
from nic_intake.calls.service import status as call_status
from nic_intake.domain.budget import (
    aid_intensity_percent,
    total_eligible_cost,
    totals_per_partner,
    totals_per_year,
    within_intensity,
)
from nic_intake.models import Application, Call
from nic_shared.auth import Principal
from nic_shared.events.intake import BudgetLine
from nic_shared.http import etag, require_if_match
from nic_shared.problems import Conflict, NotFound


async def open_call(session: AsyncSession, call_id: uuid.UUID, now: datetime) -> Call:
    """The call, when it takes applications now; a draft (unpublished) call is unknown."""
    call = await session.get(Call, call_id)
    if call is None or call.published_at is None:
        raise NotFound(f"no call {call_id}", detail_nb=f"finner ingen utlysning {call_id}")
    state = call_status(call, now)
    if state is not CallStatus.OPEN or now < call.opens_at:
        slug = "deadline-passed" if state is not CallStatus.OPEN else "call-not-open"
        raise Conflict(
            f"call {call.code} does not take applications now",
            detail_nb=f"utlysningen {call.code} tar ikke imot søknader nå",
            slug=slug,
        )
    return call


async def create(
    session: AsyncSession, *, principal: Principal, body: ApplicationCreate, now: datetime
) -> Application:
    org = applicant_org(principal)
    call = await open_call(session, body.call_id, now)
    proposal = await followed_proposal(session, call, org, body.proposal_id)
    content = body.content.stored()
    if proposal is not None and not body.content.model_fields_set:
        content = dict(proposal.content)  # the formal application starts from the proposal
    app = Application(
        id=uuid.uuid4(),
        call_id=call.id,
        scheme=call.scheme,
        applicant_org_number=org,
        created_by=principal.subject,
        status=ApplicationStatus.DRAFT.value,
        stage=None,
        content=content,
        cluster_id=uuid.UUID(content["cluster_id"]) if content.get("cluster_id") else None,
        proposal_id=proposal.id if proposal else None,
        language=body.language,
        etag_version=1,
        submitted_version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(app)
    await session.flush()
    return app


async def replace_content(
    session: AsyncSession,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    content: DraftContent,
    if_match: str | None,
    now: datetime,
) -> Application:
    """Replace the draft's content; needs the current ETag. Withdrawn ones stay as they are.
    The owner or an editor partner may (consortium/)."""
    app = await editable(session, principal, application_id)
    require_if_match(if_match, app.etag_version)
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict(
            "a withdrawn application cannot be changed",
            detail_nb="en trukket søknad kan ikke endres",
            slug="application-withdrawn",
        )
    call = await session.get(Call, app.call_id)
    assert call is not None
    if not now < call.deadline:
        raise Conflict(
            "the deadline has passed; the application can no longer be changed",
            detail_nb="søknadsfristen er passert; søknaden kan ikke endres lenger",
            slug="deadline-passed",
        )
    app.content = content.stored()
    app.cluster_id = content.cluster_id
    app.etag_version += 1
    app.updated_at = now
    await session.flush()
    return app


async def list_applications(
    session: AsyncSession,
    *,
    principal: Principal,
    call_id: uuid.UUID | None,
    status: ApplicationStatus | None,
    scheme: str | None,
    stage: str | None,
    limit: int | None,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[Application]:
    """Applications the caller may see, by creation time then id (a stable order)."""
    query = visible(select(Application), principal).order_by(Application.created_at, Application.id)
    if call_id is not None:
        query = query.where(Application.call_id == call_id)
    if status is not None:
        query = query.where(Application.status == status.value)
    if scheme is not None:
        query = query.where(Application.scheme == scheme)
    if stage is not None:
        query = query.where(Application.stage == stage)
    if after is not None:
        created, ident = after
        query = query.where(
            (Application.created_at > created)
            | ((Application.created_at == created) & (Application.id > ident))
        )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())


def budget_summary(content: dict[str, Any], max_percent: int | None) -> BudgetSummary:
    lines = [BudgetLine.model_validate(line) for line in content.get("budget", [])]
    total = total_eligible_cost(lines)
    requested = content.get("requested_amount_nok")
    intensity = within = None
    if isinstance(requested, int) and total > 0:
        intensity = aid_intensity_percent(requested, total)
        if max_percent is not None:
            within = within_intensity(requested, total, max_percent)
    return BudgetSummary(
        total_nok=total,
        per_partner_nok=totals_per_partner(lines),
        per_year_nok=totals_per_year(lines),
        requested_amount_nok=requested if isinstance(requested, int) else None,
        aid_intensity_percent=intensity,
        within_max_intensity=within,
    )


def to_out(app: Application, max_percent: int | None = None) -> ApplicationOut:
    return ApplicationOut(
        id=app.id,
        call_id=app.call_id,
        scheme=app.scheme,
        applicant_org_number=app.applicant_org_number,
        status=ApplicationStatus(app.status),
        stage=app.stage,
        language=app.language,
        proposal_id=app.proposal_id,
        version=app.submitted_version,
        etag=etag(app.etag_version),
        content=app.content,
        budget_summary=budget_summary(app.content, max_percent),
        submitted_at=app.submitted_at,
        withdrawn_at=app.withdrawn_at,
        withdrawal_reason=app.withdrawal_reason,
        created_at=app.created_at,
        updated_at=app.updated_at,
    )


def to_item(app: Application) -> ApplicationListItem:
    requested = app.content.get("requested_amount_nok")
    return ApplicationListItem(
        id=app.id,
        call_id=app.call_id,
        scheme=app.scheme,
        applicant_org_number=app.applicant_org_number,
        title=app.content.get("title"),
        status=ApplicationStatus(app.status),
        stage=app.stage,
        version=app.submitted_version,
        requested_amount_nok=requested if isinstance(requested, int) else None,
        submitted_at=app.submitted_at,
        created_at=app.created_at,
    )


async def max_intensity(session: AsyncSession, call_id: uuid.UUID) -> int | None:
    call = await session.get(Call, call_id)
    return call.max_aid_intensity_percent if call else None
