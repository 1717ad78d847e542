"""Scoring's HTTP API."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from nic_scoring.models import CallScheme
from nic_scoring.schemas import CallSchemeOut
from nic_shared.auth import Principal, authenticate
from nic_shared.db import SessionDep
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["scoring schemes"])


@router.get(
    "/calls/{call_id}/scoring-scheme",
    response_model=CallSchemeOut,
    summary="The weighted criteria, scale and thresholds the panel scores a call on",
)
async def get_call_scoring_scheme(
    call_id: UUID, session: SessionDep, _who: Annotated[Principal, Depends(authenticate)]
) -> CallScheme:
    found = await session.get(CallScheme, call_id)
    if found is None:
        raise NotFound(f"no scoring scheme for call {call_id}")
    return found
