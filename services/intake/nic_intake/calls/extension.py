"""Deadline extension: the one change a published call allows, made before the deadline,
audited, and announced as CallDeadlineExtended."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake import problem_types  # noqa: F401  (registers the problem titles)
from nic_intake.calls import service as call_service
from nic_intake.calls.schemas import CallOut
from nic_intake.calls.stages import cluster_stage
from nic_intake.domain.deadline import in_oslo
from nic_intake.models import Call, CallDeadlineExtension
from nic_shared import outbox, problems
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.events.intake import CallDeadlineExtended
from nic_shared.http import etag, require_if_match
from nic_shared.problems import Conflict

router = APIRouter(prefix="/v1/calls", tags=["calls"])
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadline_local: datetime = Field(description="The new deadline, Europe/Oslo, no offset.")
    reason: str = Field(min_length=3, max_length=2000)

    @field_validator("deadline_local")
    @classmethod
    def _wall_clock(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError("give the Oslo wall-clock time without an offset")
        return value


def _refused(detail: str, detail_nb: str) -> Conflict:
    return Conflict(detail, detail_nb=detail_nb, slug="deadline-extension-refused")


async def extend(
    session: AsyncSession, *, call_id: uuid.UUID, body: ExtensionIn, by: str, now: datetime
) -> Call:
    call = await call_service.get(session, call_id)
    new_deadline = call_service.instant(body.deadline_local, "deadline_local")
    if call.published_at is None:
        raise _refused(
            "a draft call is not extended; it is not published yet",
            "en utlysning som ikke er publisert, forlenges ikke",
        )
    if not now < call.deadline:
        raise _refused(
            f"the deadline {in_oslo(call.deadline).isoformat()} has passed",
            f"fristen {in_oslo(call.deadline).isoformat()} er passert",
        )
    if new_deadline <= call.deadline:
        raise _refused("an extension moves the deadline later", "en forlengelse flytter fristen")
    stage = cluster_stage(call)
    if stage is not None and new_deadline >= stage.deadline:
        raise _refused(
            f"the deadline stays before the cluster's deadline {in_oslo(stage.deadline).isoformat()}",
            f"fristen må ligge før klyngenes frist {in_oslo(stage.deadline).isoformat()}",
        )
    previous = call.deadline
    call.deadline = new_deadline
    session.add(
        CallDeadlineExtension(
            call_id=call.id,
            previous_deadline=previous,
            deadline=new_deadline,
            reason=body.reason,
            extended_by=by,
            extended_at=now,
        )
    )
    await session.flush()
    await outbox.record(
        session,
        CallDeadlineExtended(
            call_id=call.id, previous_deadline=previous, deadline=new_deadline, reason=body.reason
        ),
    )
    return call


@router.post(
    "/{call_id}/deadline-extension",
    response_model=CallOut,
    summary="Extend a published call's deadline (before it passes)",
    responses={
        409: {"description": "Refused", "content": {problems.MEDIA_TYPE: {}}},
        412: {"description": "Stale If-Match", "content": {problems.MEDIA_TYPE: {}}},
    },
)
async def extend_deadline(
    call_id: uuid.UUID,
    body: ExtensionIn,
    session: SessionDep,
    clock: ClockDep,
    officer: Officer,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> CallOut:
    if if_match is not None:
        require_if_match(if_match, (await call_service.get(session, call_id)).version)
    call = await extend(session, call_id=call_id, body=body, by=officer.subject, now=clock())
    response.headers["ETag"] = etag(call.version)
    return call_service.to_out(call, clock())
