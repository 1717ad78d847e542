"""Routes: read assessments (officers and the applicant), the queue, overrides."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from nic_eligibility.access import is_officer, officer, reader
from nic_eligibility.assessments import service, views
from nic_eligibility.assessments.schemas import (
    AssessmentDetail,
    AssessmentOut,
    OverrideIn,
    OverrideOut,
    QueuePage,
)
from nic_eligibility.models import AssessmentRow
from nic_shared.auth import CurrentPrincipal, Principal
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.events.eligibility import Outcome
from nic_shared.http import etag
from nic_shared.i18n import Lang, language
from nic_shared.problems import MEDIA_TYPE

router = APIRouter(prefix="/v1", tags=["assessments"])

PROBLEM: dict[str, Any] = {"content": {MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **PROBLEM},
    403: {"description": "Not for this role (panel members see nothing here)", **PROBLEM},
    404: {"description": "Unknown, or not the caller's", **PROBLEM},
}


async def _reader(principal: CurrentPrincipal) -> Principal:
    return reader(principal)


async def _officer(principal: CurrentPrincipal) -> Principal:
    return officer(principal)


Reader = Annotated[Principal, Depends(_reader)]
Officer = Annotated[Principal, Depends(_officer)]


def _lang(request: Request, response: Response) -> Lang:
    lang = language(request.headers.get("accept-language"))
    response.headers["Content-Language"] = lang
    return lang


LangDep = Annotated[Lang, Depends(_lang)]


async def _view(
    session: SessionDep, principal: Principal, row: AssessmentRow, lang: Lang, response: Response
) -> AssessmentDetail | AssessmentOut:
    overrides = await service.overrides_of(session, row.id)
    if is_officer(principal):
        response.headers["ETag"] = etag(row.revision)
        return views.officer_view(row, lang, overrides)
    return views.applicant_view(row, lang, bool(overrides))


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentDetail | AssessmentOut,
    summary="One assessment: outcome and reasons (officers also see facts and overrides)",
    responses=ERRORS,
)
async def get_assessment(
    assessment_id: UUID,
    session: SessionDep,
    principal: Reader,
    lang: LangDep,
    response: Response,
) -> AssessmentDetail | AssessmentOut:
    row = await service.readable(session, principal, assessment_id)
    return await _view(session, principal, row, lang, response)


@router.get(
    "/applications/{application_id}/assessment",
    response_model=AssessmentDetail | AssessmentOut,
    summary="The assessment of an application's latest submitted version",
    responses=ERRORS,
)
async def get_application_assessment(
    application_id: UUID,
    session: SessionDep,
    principal: Reader,
    lang: LangDep,
    response: Response,
) -> AssessmentDetail | AssessmentOut:
    row = await service.current_for_application(session, principal, application_id)
    return await _view(session, principal, row, lang, response)


@router.get(
    "/assessments",
    response_model=QueuePage,
    summary="Assessments, oldest first, filterable (applicants see their own only)",
    responses=ERRORS,
)
async def list_assessments(
    session: SessionDep,
    principal: Reader,
    lang: LangDep,
    call_id: UUID | None = None,
    outcome: Outcome | None = None,
    status: Literal["open", "closed"] | None = None,
    current: bool = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> QueuePage:
    rows, next_cursor = await service.page(
        session,
        call_id=call_id,
        outcome=outcome,
        status=status,
        current_only=current,
        applicant_org_number=None if is_officer(principal) else principal.org_number,
        limit=limit,
        cursor=cursor,
    )
    return QueuePage(items=[views.queue_item(r, lang) for r in rows], next_cursor=next_cursor)


@router.get(
    "/eligibility/queue",
    response_model=QueuePage,
    summary="The officers' queue: open assessments that need manual review, oldest first",
    responses=ERRORS,
)
async def review_queue(
    session: SessionDep,
    _officer: Officer,
    lang: LangDep,
    call_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> QueuePage:
    rows, next_cursor = await service.page(
        session,
        call_id=call_id,
        outcome=Outcome.NEEDS_REVIEW,
        status="open",
        current_only=True,
        applicant_org_number=None,
        limit=limit,
        cursor=cursor,
    )
    return QueuePage(items=[views.queue_item(r, lang) for r in rows], next_cursor=next_cursor)


@router.post(
    "/assessments/{assessment_id}/overrides",
    status_code=201,
    response_model=OverrideOut,
    summary="Override the outcome, with a mandatory reason (If-Match: the assessment's ETag)",
    responses={
        **ERRORS,
        409: {"description": "Closed, superseded, or no change", **PROBLEM},
        412: {"description": "The assessment changed since it was read", **PROBLEM},
        428: {"description": "If-Match is missing", **PROBLEM},
    },
)
async def override_assessment(
    assessment_id: UUID,
    body: OverrideIn,
    session: SessionDep,
    principal: Officer,
    clock: ClockDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> OverrideOut:
    row, entry = await service.override(session, principal, assessment_id, body, if_match, clock())
    response.headers["ETag"] = etag(row.revision)
    response.headers["Location"] = f"/v1/assessments/{assessment_id}/overrides/{entry.id}"
    return views.override_out(entry)


@router.get(
    "/assessments/{assessment_id}/overrides",
    response_model=list[OverrideOut],
    summary="The audit trail of an assessment's overrides",
    responses=ERRORS,
)
async def list_overrides(
    assessment_id: UUID, session: SessionDep, principal: Officer
) -> list[OverrideOut]:
    await service.readable(session, principal, assessment_id)
    return [views.override_out(o) for o in await service.overrides_of(session, assessment_id)]
