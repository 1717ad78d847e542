"""Scoring's HTTP API: the call's scheme (every use case has its own router)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from nic_scoring.common import Staff
from nic_scoring.models import CallScheme
from nic_scoring.schemas import CallSchemeOut
from nic_shared.db import SessionDep
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["scoring schemes"])


@router.get(
    "/calls/{call_id}/scoring-scheme",
    response_model=CallSchemeOut,
    summary="The weighted criteria, scale and thresholds the panel scores a call on",
)
async def get_call_scoring_scheme(call_id: UUID, session: SessionDep, _who: Staff) -> CallScheme:
    found = await session.get(CallScheme, call_id)
    if found is None:
        raise NotFound(f"no scoring scheme for call {call_id}")
    return found
