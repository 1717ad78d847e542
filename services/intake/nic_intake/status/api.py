"""The status timeline of one application."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from nic_intake.access import readable
from nic_intake.applications.api import ERRORS
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.models import StatusEntry
from nic_shared.auth import Principal, authenticate
from nic_shared.db import SessionDep

router = APIRouter(prefix="/v1/applications/{application_id}", tags=["status"])
Anyone = Annotated[Principal, Depends(authenticate)]


class TimelineEntry(BaseModel):
    kind: str
    outcome: str | None
    details: dict[str, Any]
    occurred_at: datetime


class StatusOut(BaseModel):
    application_id: UUID
    status: ApplicationStatus
    stage: str | None
    version: int
    panel_feedback: str | None = Field(
        default=None, description="The panel's comments released to the applicant (no marks)."
    )
    timeline: list[TimelineEntry]


@router.get(
    "/status", response_model=StatusOut, summary="Where the application stands", responses=ERRORS
)
async def application_status(
    application_id: UUID, session: SessionDep, principal: Anyone
) -> StatusOut:
    app = await readable(session, principal, application_id)
    rows = (
        await session.scalars(
            select(StatusEntry)
            .where(StatusEntry.application_id == app.id)
            .order_by(StatusEntry.occurred_at, StatusEntry.id)
        )
    ).all()
    return StatusOut(
        application_id=app.id,
        status=ApplicationStatus(app.status),
        stage=app.stage,
        version=app.submitted_version,
        panel_feedback=app.panel_feedback,
        timeline=[
            TimelineEntry(
                kind=r.kind, outcome=r.outcome, details=r.details, occurred_at=r.occurred_at
            )
            for r in rows
        ],
    )
