"""Decision endpoints: officers draft and approve; applicants read, download and answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import is_officer, may_write, not_found, readable
from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.decisions import answers, approval, service
from nic_intake.decisions.schemas import (
    ApplicantDecisionOut,
    ApproveIn,
    DecisionIn,
    DecisionList,
    DecisionOut,
    LapseOut,
    Reason,
)
from nic_intake.domain.decisions import Answer, Outcome, appeal_deadline
from nic_intake.models import Application, Decision, DecisionLetter, DecisionVersion
from nic_intake.settings import IntakeSettings
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep

router = APIRouter(tags=["decisions"])
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
Applicant = Annotated[Principal, Depends(require(Role.APPLICANT))]
Anyone = Annotated[Principal, Depends(authenticate)]
RULES = {
    **ERRORS,
    409: problem_doc("A rule of the decision flow refused it (the problem names the rule)"),
    422: problem_doc("Invalid body, or a decision rule (`errors` names the field and rule)"),
}


def _days(request: Request) -> int:
    settings: IntakeSettings = request.app.state.settings
    return settings.decision_acceptance_days


async def _letter(session: AsyncSession, decision: Decision, version: int) -> DecisionLetter | None:
    return (
        await session.scalars(
            select(DecisionLetter).where(
                DecisionLetter.decision_id == decision.id, DecisionLetter.version == version
            )
        )
    ).one_or_none()


async def to_out(session: AsyncSession, decision: Decision, ver: DecisionVersion) -> DecisionOut:
    app = await session.get(Application, decision.application_id)
    letter = await _letter(session, decision, ver.version)
    answered = await service.answer_of(session, decision, ver.version)
    return DecisionOut(
        decision_id=decision.id,
        application_id=decision.application_id,
        call_id=decision.call_id,
        version=ver.version,
        outcome=Outcome(ver.outcome),
        amount_nok=ver.amount_nok,
        amount_reason=ver.amount_reason,
        reasons=[Reason(**r) for r in ver.reasons],
        ranking_version=ver.ranking_version,
        rank=decision.rank,
        created_by=ver.created_by,
        approved_by=ver.approved_by,
        approved_at=ver.approved_at,
        acceptance_deadline=ver.acceptance_deadline,
        answer=Answer(answered.answer) if answered else None,
        answered_at=answered.answered_at if answered else None,
        letter_sha256=letter.sha256 if letter else None,
        appeal_deadline=appeal_deadline(letter.created_at) if letter else None,
        panel_feedback=app.panel_feedback if app else None,
    )


@router.post(
    "/v1/calls/{call_id}/decisions",
    status_code=201,
    response_model=DecisionList,
    summary="Draft decisions for the whole latest ranking (officer)",
    responses=RULES,
)
async def draft_for_ranking(
    call_id: UUID, session: SessionDep, clock: ClockDep, officer: Officer
) -> DecisionList:
    made = await service.draft_bulk(session, officer=officer, call_id=call_id, now=clock())
    return DecisionList(items=[await to_out(session, d, v) for d, v in made])


@router.get(
    "/v1/calls/{call_id}/decisions",
    response_model=DecisionList,
    summary="The call's decisions, current versions (officer)",
    responses=ERRORS,
)
async def list_decisions(call_id: UUID, session: SessionDep, officer: Officer) -> DecisionList:
    rows = (
        await session.scalars(
            select(Decision)
            .where(Decision.call_id == call_id)
            .order_by(Decision.rank.is_(None), Decision.rank, Decision.id)
        )
    ).all()
    return DecisionList(
        items=[await to_out(session, d, await service.current(session, d)) for d in rows]
    )


@router.post(
    "/v1/calls/{call_id}/decisions/approve",
    response_model=DecisionList,
    summary="Approve every draft of the call made by another officer (four-eyes)",
    responses=RULES,
)
async def approve_call(
    call_id: UUID, request: Request, session: SessionDep, clock: ClockDep, officer: Officer
) -> DecisionList:
    done = await approval.approve_all(
        session, officer=officer, call_id=call_id, now=clock(), days=_days(request)
    )
    return DecisionList(items=[await to_out(session, d, v) for d, v in done])


@router.post(
    "/v1/calls/{call_id}/decisions/lapse",
    response_model=LapseOut,
    summary="Lapse grants past their acceptance deadline and promote reserves (officer/worker)",
    responses=ERRORS,
)
async def lapse_call(
    call_id: UUID, request: Request, session: SessionDep, clock: ClockDep, officer: Officer
) -> LapseOut:
    lapsed, promoted = await answers.lapse(
        session, actor=officer.subject, call_id=call_id, now=clock(), acceptance_days=_days(request)
    )
    return LapseOut(lapsed=lapsed, promoted=promoted)


@router.put(
    "/v1/applications/{application_id}/decision",
    response_model=DecisionOut,
    summary="Draft (a new version of) one application's decision (officer)",
    responses=RULES,
)
async def draft_one(
    application_id: UUID, body: DecisionIn, session: SessionDep, clock: ClockDep, officer: Officer
) -> DecisionOut:
    decision, ver = await service.draft_one(
        session, officer=officer, application_id=application_id, body=body, now=clock()
    )
    return await to_out(session, decision, ver)


@router.post(
    "/v1/decisions/{decision_id}/approve",
    response_model=DecisionOut,
    summary="Approve a decision version (a second officer); the letter is sent",
    responses=RULES,
)
async def approve_one(
    decision_id: UUID,
    body: ApproveIn,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    officer: Officer,
) -> DecisionOut:
    decision, ver = await approval.approve(
        session,
        officer=officer,
        decision_id=decision_id,
        version=body.version,
        now=clock(),
        acceptance_days=_days(request),
    )
    return await to_out(session, decision, ver)


async def _sent(
    session: AsyncSession, principal: Principal, application_id: UUID
) -> tuple[Decision, DecisionVersion]:
    """The decision and its newest sent version, when the caller may read the application."""
    app = await readable(session, principal, application_id)
    if not (is_officer(principal) or may_write(principal, app)):
        raise not_found(application_id)  # the decision is the applicant's and the programme's
    decision = (
        await session.scalars(select(Decision).where(Decision.application_id == app.id))
    ).one_or_none()
    ver = await service.latest_sent(session, decision) if decision else None
    if decision is None or ver is None:
        raise not_found(application_id)
    return decision, ver


@router.get(
    "/v1/applications/{application_id}/decision",
    response_model=ApplicantDecisionOut,
    summary="The sent decision, its letter's hash and the panel's released comments",
    responses=ERRORS,
)
async def read_decision(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> ApplicantDecisionOut:
    decision, ver = await _sent(session, principal, application_id)
    out = await to_out(session, decision, ver)
    return ApplicantDecisionOut(
        **out.model_dump(include=set(ApplicantDecisionOut.model_fields) - {"decided_at"}),
        decided_at=out.approved_at,
    )


@router.get(
    "/v1/applications/{application_id}/decision/letter",
    summary="The decision letter as PDF",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
)
async def download_letter(application_id: UUID, session: SessionDep, principal: Anyone) -> Response:
    decision, ver = await _sent(session, principal, application_id)
    letter = await _letter(session, decision, ver.version)
    if letter is None:
        raise not_found(application_id)
    return Response(
        letter.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="vedtak-{decision.id}-v{letter.version}.pdf"',
            "ETag": f'"{letter.sha256}"',
        },
    )


@router.post(
    "/v1/applications/{application_id}/decision/accept",
    response_model=ApplicantDecisionOut,
    summary="Accept the grant before its deadline (applicant)",
    responses=RULES,
)
async def accept(
    application_id: UUID, request: Request, session: SessionDep, clock: ClockDep, who: Applicant
) -> ApplicantDecisionOut:
    await answers.answer(
        session,
        principal=who,
        application_id=application_id,
        accept=True,
        now=clock(),
        acceptance_days=_days(request),
    )
    return await read_decision(application_id, session, who)


@router.post(
    "/v1/applications/{application_id}/decision/decline",
    response_model=ApplicantDecisionOut,
    summary="Decline the grant; the money goes to the next reserve (applicant)",
    responses=RULES,
)
async def decline(
    application_id: UUID, request: Request, session: SessionDep, clock: ClockDep, who: Applicant
) -> ApplicantDecisionOut:
    await answers.answer(
        session,
        principal=who,
        application_id=application_id,
        accept=False,
        now=clock(),
        acceptance_days=_days(request),
    )
    return await read_decision(application_id, session, who)
