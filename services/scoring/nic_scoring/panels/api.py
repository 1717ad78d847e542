"""Panel routes: officers build the panel and assign; members declare conflicts."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Response

from nic_scoring import models
from nic_scoring.common import Officer, PanelOrOfficer
from nic_scoring.panels import assignments, export, progress, schemas, service
from nic_scoring.problem_types import SCORING_CONFLICTS
from nic_scoring.ranking.xlsx import reviews_xlsx
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.export import XLSX_MEDIA_TYPE as XLSX
from nic_shared.export import export_language, to_csv
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent

router = APIRouter(prefix="/v1/panels", tags=["panels"], responses=SCORING_CONFLICTS)


@router.post(
    "",
    status_code=201,
    response_model=schemas.PanelOut,
    summary="Create a call's panel",
    responses=IDEMPOTENT_RESPONSES,
)
async def create_panel(
    body: schemas.PanelIn,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    response: Response,
    once: Idempotent,
) -> schemas.PanelOut | Response:
    async def work() -> schemas.PanelOut:
        panel = await service.create_panel(session, who, body, clock())
        response.headers["Location"] = f"/v1/panels/{panel.id}"
        return await service.panel_out(session, panel)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get("/{panel_id}", response_model=schemas.PanelOut, summary="A panel")
async def get_panel(panel_id: UUID, session: SessionDep, _who: Officer) -> schemas.PanelOut:
    return await service.panel_out(session, await service.get_panel(session, panel_id))


@router.patch(
    "/{panel_id}",
    response_model=schemas.PanelOut,
    summary="Change the panel's review settings: blind review, review window, reminders",
)
async def change_panel(
    panel_id: UUID, body: schemas.PanelSettingsIn, session: SessionDep, _who: Officer
) -> schemas.PanelOut:
    panel = await service.get_panel(session, panel_id)
    return await service.panel_out(session, await service.change_settings(session, panel, body))


@router.post(
    "/{panel_id}/members",
    status_code=201,
    response_model=schemas.MemberOut,
    summary="Add a member with their affiliations (organisations and clusters)",
    responses=IDEMPOTENT_RESPONSES,
)
async def add_panel_member(
    panel_id: UUID,
    body: schemas.MemberIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
) -> schemas.MemberOut | Response:
    async def work() -> schemas.MemberOut:
        panel = await service.get_panel(session, panel_id)
        return await service.add_member(session, panel, body, clock())

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get(
    "/{panel_id}/members", response_model=list[schemas.MemberOut], summary="The panel's members"
)
async def list_panel_members(
    panel_id: UUID, session: SessionDep, _who: Officer
) -> list[schemas.MemberOut]:
    return await service.list_members(session, await service.get_panel(session, panel_id))


@router.post(
    "/{panel_id}/auto-assign",
    response_model=schemas.AutoAssignOut,
    summary="Assign N reviewers to every eligible application, balanced, never conflicted",
)
async def auto_assign_reviewers(
    panel_id: UUID, body: schemas.AutoAssignIn, session: SessionDep, clock: ClockDep, who: Officer
) -> schemas.AutoAssignOut:
    panel = await service.get_panel(session, panel_id)
    return await assignments.auto_assign(
        session, panel, body.reviewers_per_application, who.subject, clock()
    )


@router.post(
    "/{panel_id}/assignments",
    status_code=201,
    response_model=schemas.AssignmentOut,
    summary="Assign a reviewer by hand (refused when conflicted)",
    responses=IDEMPOTENT_RESPONSES,
)
async def assign_reviewer(
    panel_id: UUID,
    body: schemas.AssignmentIn,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    response: Response,
    once: Idempotent,
) -> schemas.AssignmentOut | Response:
    async def work() -> schemas.AssignmentOut:
        panel = await service.get_panel(session, panel_id)
        return await assignments.assign(session, panel, body, who.subject, clock())

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.delete(
    "/{panel_id}/assignments/{application_id}/{member_id}",
    status_code=204,
    summary="Remove an assignment: the member's access and standing review go at once (audited)",
)
async def unassign_reviewer(
    panel_id: UUID,
    application_id: UUID,
    member_id: UUID,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
) -> Response:
    panel = await service.get_panel(session, panel_id)
    await assignments.unassign(session, panel, application_id, member_id, who.subject, clock())
    return Response(status_code=204)


@router.get(
    "/{panel_id}/assignments",
    response_model=list[schemas.AssignmentOut],
    summary="Every assignment of the panel",
)
async def list_assignments(
    panel_id: UUID, session: SessionDep, _who: Officer
) -> list[schemas.AssignmentOut]:
    return await assignments.list_assignments(session, await service.get_panel(session, panel_id))


@router.post(
    "/{panel_id}/conflicts",
    status_code=201,
    response_model=schemas.ConflictOut,
    summary="Declare a conflict of interest: the assignment and the review go at once",
)
async def declare_conflict(
    panel_id: UUID,
    body: schemas.ConflictIn,
    session: SessionDep,
    clock: ClockDep,
    who: PanelOrOfficer,
    response: Response,
) -> schemas.ConflictOut:
    panel = await service.get_panel(session, panel_id)
    out, new = await assignments.declare_conflict(session, panel, who, body, clock())
    if not new:
        response.status_code = 200
    return out


@router.get(
    "/{panel_id}/progress",
    response_model=progress.PanelProgressOut,
    summary="Review progress per member: assigned, drafted, submitted, overdue (chair, officer)",
)
async def panel_progress(
    panel_id: UUID, session: SessionDep, clock: ClockDep, who: PanelOrOfficer
) -> progress.PanelProgressOut:
    panel = await service.get_panel(session, panel_id)
    await progress.check_chair_or_officer(session, who, panel)
    return await progress.progress(session, panel, clock())


@router.get(
    "/{panel_id}/reviews/export",
    summary="The panel's reviews as CSV or XLSX: per reviewer, per criterion, with comments",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
async def export_reviews(
    panel_id: UUID,
    session: SessionDep,
    who: PanelOrOfficer,
    format: Literal["csv", "xlsx"] = "csv",
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    panel = await service.get_panel(session, panel_id)
    await progress.check_chair_or_officer(session, who, panel)
    rows = await export.review_rows(session, panel)
    disposition = {"Content-Disposition": f'attachment; filename="reviews-{panel_id}.{format}"'}
    if format == "xlsx":
        call = await session.get(models.CallScheme, panel.call_id)
        book = reviews_xlsx(
            export.COLUMNS,
            rows,
            lang=export_language(accept_language),
            call_code=call.code if call is not None else str(panel.call_id),
        )
        return Response(book, media_type=XLSX, headers=disposition)
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=disposition)


@router.get(
    "/{panel_id}/audit",
    response_model=list[schemas.AuditOut],
    summary="Conflict declarations and what they set aside",
)
async def panel_audit(panel_id: UUID, session: SessionDep, _who: Officer) -> list[schemas.AuditOut]:
    return await service.audit_trail(session, await service.get_panel(session, panel_id))
