"""The member-register and activity-log rows a report or an evaluation computes from.

One query each for any number of clusters: the memberships that share a day with
[first, last] and the activities dated within it. The annual report asks for one cluster and
a calendar year; the annual evaluation for every cluster in the programme and the twelve
months up to its date.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.domain.annual_report import Activity as DomainActivity
from nic_registry.domain.annual_report import ActivityType
from nic_registry.models import Activity, Membership


async def memberships_between(
    session: AsyncSession, cluster_ids: Collection[UUID], first: date, last: date
) -> list[Membership]:
    """The clusters' memberships running on at least one day of [first, last]."""
    if not cluster_ids:
        return []
    rows = await session.scalars(
        select(Membership).where(
            Membership.cluster_id.in_(list(cluster_ids)),
            Membership.valid_from <= last,
            (Membership.valid_to.is_(None)) | (Membership.valid_to >= first),
        )
    )
    return list(rows.all())


async def activities_between(
    session: AsyncSession, cluster_ids: Collection[UUID], first: date, last: date
) -> list[Activity]:
    """The clusters' activities dated within [first, last]."""
    if not cluster_ids:
        return []
    rows = await session.scalars(
        select(Activity).where(
            Activity.cluster_id.in_(list(cluster_ids)),
            Activity.activity_date >= first,
            Activity.activity_date <= last,
        )
    )
    return list(rows.all())


def to_domain(a: Activity) -> DomainActivity:
    return DomainActivity(
        a.cluster_id, a.activity_date, ActivityType(a.activity_type), a.participant_count, a.title
    )
