"""The programme's indicators over [first, last], as six aggregate queries (no per-cluster loop).

States are taken on `last` (clusters by level and region, members by actor type); flows over
the range (new members, activities, grants). Grants are dated by their decision's Oslo day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from nic_registry.clusters.history import LEVEL, NCE
from nic_registry.models import Activity, Cluster, ClusterPeriod, GrantedDecision, Membership
from nic_registry.problems import OSLO


@dataclass(frozen=True, slots=True)
class CallGrants:
    call_id: UUID
    scheme: str
    projects: int
    amount_nok: int


@dataclass(frozen=True, slots=True)
class ProgrammeReport:
    first: date
    last: date
    clusters_by_level: dict[str, int]
    clusters_by_region: dict[str, int]
    members_by_actor_type: dict[str, int]
    new_members_by_actor_type: dict[str, int]
    activities_by_area: dict[str, int]
    participants_by_area: dict[str, int]
    grants_by_call: list[CallGrants]


def _covers(
    valid_from: InstrumentedAttribute[date], valid_to: InstrumentedAttribute[date | None], day: date
) -> ColumnElement[bool]:
    """The period [valid_from, valid_to] (open when valid_to is NULL) holds on `day`."""
    return (valid_from <= day) & (valid_to.is_(None) | (valid_to >= day))


async def programme_report(session: AsyncSession, first: date, last: date) -> ProgrammeReport:
    async def counts(query: Select[Any, Any]) -> dict[str, int]:
        return {str(k or ""): int(n) for k, n in (await session.execute(query)).all()}

    p = ClusterPeriod
    by_level = await counts(
        select(p.level, func.count(func.distinct(p.cluster_id)))
        .where(p.kind == LEVEL, _covers(p.valid_from, p.valid_to, last))
        .group_by(p.level)
    )
    in_programme = exists().where(
        p.cluster_id == Cluster.id,
        p.kind.in_([LEVEL, NCE]),
        _covers(p.valid_from, p.valid_to, last),
    )
    by_region = await counts(
        select(Cluster.region, func.count()).where(in_programme).group_by(Cluster.region)
    )
    m = Membership
    members = await counts(
        select(m.actor_type, func.count())
        .where(_covers(m.valid_from, m.valid_to, last))
        .group_by(m.actor_type)
    )
    new_members = await counts(
        select(m.actor_type, func.count())
        .where(m.valid_from >= first, m.valid_from <= last)
        .group_by(m.actor_type)
    )
    a = Activity
    rows = (
        await session.execute(
            select(a.activity_type, func.count(), func.coalesce(func.sum(a.participant_count), 0))
            .where(a.activity_date >= first, a.activity_date <= last)
            .group_by(a.activity_type)
        )
    ).all()
    g = GrantedDecision
    start = datetime.combine(first, time(), OSLO)
    end = datetime.combine(last + timedelta(days=1), time(), OSLO)
    grants = (
        await session.execute(
            select(g.call_id, g.scheme, func.count(), func.sum(g.amount_nok))
            .where(g.decided_at >= start, g.decided_at < end)
            .group_by(g.call_id, g.scheme)
            .order_by(g.scheme, g.call_id)
        )
    ).all()
    return ProgrammeReport(
        first=first,
        last=last,
        clusters_by_level=by_level,
        clusters_by_region=by_region,
        members_by_actor_type=members,
        new_members_by_actor_type=new_members,
        activities_by_area={t: int(n) for t, n, _ in rows},
        participants_by_area={t: int(s) for t, _, s in rows},
        grants_by_call=[CallGrants(c, s, int(n), int(amt or 0)) for c, s, n, amt in grants],
    )
