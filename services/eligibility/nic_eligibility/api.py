"""Eligibility's HTTP API."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from nic_eligibility.models import CallRuleSet
from nic_eligibility.schemas import CallRuleSetOut
from nic_shared.auth import Principal, authenticate
from nic_shared.db import SessionDep
from nic_shared.problems import NotFound

router = APIRouter(prefix="/v1", tags=["rule sets"])


@router.get(
    "/calls/{call_id}/rule-set",
    response_model=CallRuleSetOut,
    summary="The rule set eligibility applies to a call's applications",
)
async def get_call_rule_set(
    call_id: UUID, session: SessionDep, _who: Annotated[Principal, Depends(authenticate)]
) -> CallRuleSet:
    found = await session.get(CallRuleSet, call_id)
    if found is None:
        raise NotFound(f"no rule set for call {call_id}")
    return found
