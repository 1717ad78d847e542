"""Review routes: reviewers' drafts and submissions; consensus; officers' views."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from sqlalchemy import select

from nic_scoring import models
from nic_scoring.common import (
    Officer,
    PanelOrOfficer,
    application,
    is_officer,
    panel_of_call,
    scheme_for,
)
from nic_scoring.problem_types import SCORING_CONFLICTS
from nic_scoring.reviews import results, schemas, service
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent
from nic_shared.problems import Conflict, NotFound

router = APIRouter(prefix="/v1", tags=["reviews"], responses=SCORING_CONFLICTS)


@router.get(
    "/assignments/mine",
    response_model=list[schemas.AssignedApplicationOut],
    summary="The applications assigned to the calling panel member",
)
async def my_assignments(
    session: SessionDep, who: PanelOrOfficer
) -> list[schemas.AssignedApplicationOut]:
    return await service.my_assignments(session, who)


@router.get(
    "/applications/{application_id}",
    response_model=schemas.ApplicationStateOut | schemas.AssignedApplicationOut,
    summary="An application: all of it for officers, an assigned one for its reviewer",
)
async def get_application(
    application_id: UUID, session: SessionDep, who: PanelOrOfficer
) -> schemas.ApplicationStateOut | schemas.AssignedApplicationOut:
    if is_officer(who):
        return await service.application_state(session, await application(session, application_id))
    mine = await service.assigned(session, who, application_id)
    review = await service.my_review(session, mine)
    out = service.assigned_out(mine.app, review.status if review else None, blind=mine.panel.blind)
    return out.model_copy(
        update={"cluster_rank": await service.cluster_rank(session, out.application_id)}
    )


@router.get(
    "/applications/{application_id}/reviews/mine",
    response_model=schemas.ReviewOut,
    summary="The caller's own review of an assigned application",
)
async def get_my_review(
    application_id: UUID, session: SessionDep, who: PanelOrOfficer
) -> schemas.ReviewOut:
    mine = await service.assigned(session, who, application_id)
    review = await service.my_review(session, mine)
    if review is None:
        raise NotFound("you have no review of this application yet")
    return service.review_out(mine.scheme, review)


@router.put(
    "/applications/{application_id}/reviews/mine",
    response_model=schemas.ReviewOut,
    summary="Save a draft review: every criterion on the call's scale, with comments",
)
async def save_review_draft(
    application_id: UUID,
    body: schemas.ReviewIn,
    session: SessionDep,
    clock: ClockDep,
    who: PanelOrOfficer,
) -> schemas.ReviewOut:
    mine = await service.assigned(session, who, application_id, lock=True)
    review = await service.save_draft(
        session, mine, body.marks, body.comment, clock(), applicant_comment=body.applicant_comment
    )
    return service.review_out(mine.scheme, review)


@router.post(
    "/applications/{application_id}/reviews/mine/submit",
    response_model=schemas.ReviewOut,
    summary="Submit the review (the draft, or the marks sent here)",
    responses=IDEMPOTENT_RESPONSES,
)
async def submit_review(
    application_id: UUID,
    body: schemas.SubmitIn,
    session: SessionDep,
    clock: ClockDep,
    who: PanelOrOfficer,
    response: Response,
    once: Idempotent,
) -> schemas.ReviewOut | Response:
    async def work() -> schemas.ReviewOut:
        mine = await service.assigned(session, who, application_id, lock=True)
        review = await service.submit(
            session,
            mine,
            body.marks,
            body.comment,
            clock(),
            applicant_comment=body.applicant_comment,
        )
        return service.review_out(mine.scheme, review)

    return await once.run(
        work, body=body.model_dump(mode="json"), response=response, status_code=200
    )


@router.get(
    "/applications/{application_id}/reviews",
    response_model=list[schemas.StaffReviewOut],
    summary="Every review of an application, invalidated ones included",
)
async def list_reviews(
    application_id: UUID, session: SessionDep, _who: Officer
) -> list[schemas.StaffReviewOut]:
    return await service.all_reviews(session, await application(session, application_id))


async def _panel(session: SessionDep, app: models.ScoringApplication) -> models.Panel:
    panel = await panel_of_call(session, app.call_id)
    if panel is None:
        raise NotFound(f"call {app.call_id} has no panel")
    if app.status != models.ApplicationStatus.SCORABLE:
        raise Conflict(f"application {app.id} is {app.status}", slug="application-not-scorable")
    return panel


@router.post(
    "/applications/{application_id}/consensus",
    response_model=schemas.ResultOut,
    summary="Record the panel's consensus marks (chair or officer)",
)
async def record_consensus(
    application_id: UUID,
    body: schemas.ConsensusIn,
    session: SessionDep,
    clock: ClockDep,
    who: PanelOrOfficer,
) -> schemas.ResultOut:
    app = await application(session, application_id, lock=True)
    panel = await _panel(session, app)
    _, scheme = await scheme_for(session, app.call_id)
    row = await results.record_consensus(
        session, who, app, panel, scheme, body.marks, body.comment, body.applicant_feedback, clock()
    )
    return results.result_out(row)


@router.post(
    "/applications/{application_id}/score",
    response_model=schemas.ResultOut,
    summary="Close an application on its submitted reviews, even with fewer than N",
)
async def score_application(
    application_id: UUID, session: SessionDep, clock: ClockDep, _who: Officer
) -> schemas.ResultOut:
    app = await application(session, application_id, lock=True)
    await _panel(session, app)
    _, scheme = await scheme_for(session, app.call_id)
    return results.result_out(await results.score(session, app, scheme, clock()))


@router.get(
    "/applications/{application_id}/result",
    response_model=schemas.ResultOut,
    summary="The application's final panel result",
)
async def get_result(application_id: UUID, session: SessionDep, _who: Officer) -> schemas.ResultOut:
    row = await session.get(models.PanelResultRow, application_id)
    if row is None:
        raise NotFound(f"application {application_id} has no final result")
    return results.result_out(row)


@router.get(
    "/calls/{call_id}/applications",
    response_model=list[schemas.ApplicationStateOut],
    summary="The call's applications as scoring knows them",
)
async def list_call_applications(
    call_id: UUID, session: SessionDep, _who: Officer
) -> list[schemas.ApplicationStateOut]:
    apps = (
        await session.scalars(
            select(models.ScoringApplication)
            .where(models.ScoringApplication.call_id == call_id)
            .order_by(models.ScoringApplication.submitted_at, models.ScoringApplication.id)
        )
    ).all()
    return [await service.application_state(session, a) for a in apps]
