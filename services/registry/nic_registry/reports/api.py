"""The annual report: members by actor type, activities by area, five-point coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from nic_registry.access import Reader, ensure_cluster
from nic_registry.clusters.service import exists
from nic_registry.domain.annual_report import (
    ActivityType,
    FivePoint,
    annual_report,
)
from nic_registry.memberships.service import to_domain
from nic_registry.reports import queries
from nic_shared import problems
from nic_shared.contracts.registry_facts import ActorType
from nic_shared.db import SessionDep

router = APIRouter(prefix="/v1/clusters/{cluster_id}/annual-reports", tags=["reports"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role", **_P},
    404: {"description": "No such cluster, or not the caller's cluster", **_P},
}


class MemberCountsOut(BaseModel):
    at_start: int = Field(description="Members on 1 January.")
    joined: int
    left: int
    at_end: int = Field(description="Members on 31 December.")


class ActivityCountsOut(BaseModel):
    activities: int
    participants: int


class FivePointOut(BaseModel):
    covered: bool = Field(description="All five actor types present on 31 December.")
    present: list[FivePoint]
    missing: list[FivePoint]


class AnnualReportOut(BaseModel):
    cluster_id: UUID
    year: int
    members: dict[ActorType, MemberCountsOut]
    members_at_end: int
    activities: dict[ActivityType, ActivityCountsOut]
    total_participants: int
    five_point: FivePointOut
    nce_resource_base: bool = Field(
        description="The NCE resource-base condition: all five actor types present."
    )


@router.get("/{year}", summary="A cluster's annual report", responses=ERRORS)
async def get_annual_report(
    cluster_id: UUID,
    year: Annotated[int, Path(ge=2000, le=2100)],
    session: SessionDep,
    who: Reader,
) -> AnnualReportOut:
    ensure_cluster(who, cluster_id, write=False)
    await exists(session, cluster_id)
    first, last = date(year, 1, 1), date(year, 12, 31)
    memberships = await queries.memberships_between(session, [cluster_id], first, last)
    activities = await queries.activities_between(session, [cluster_id], first, last)
    report = annual_report(
        cluster_id,
        year,
        [to_domain(m) for m in memberships],
        [queries.to_domain(a) for a in activities],
    )
    five = report.five_point
    return AnnualReportOut(
        cluster_id=cluster_id,
        year=year,
        members={
            actor: MemberCountsOut(
                at_start=c.at_start, joined=c.joined, left=c.left, at_end=c.at_end
            )
            for actor, c in report.members.items()
        },
        members_at_end=report.members_at_end,
        activities={
            t: ActivityCountsOut(activities=c.activities, participants=c.participants)
            for t, c in report.activities.items()
        },
        total_participants=report.total_participants,
        five_point=FivePointOut(
            covered=five.covered,
            present=[p for p in FivePoint if p in five.present],
            missing=list(five.missing),
        ),
        nce_resource_base=five.covered,
    )
