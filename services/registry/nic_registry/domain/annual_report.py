"""A cluster's yearly report: members by actor type, activities by area, five-point coverage.

The programme takes its reporting data from the member register and activity log
(PROGRAMME.md §1); this is the pure computation over them for one cluster and year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from nic_registry.domain.memberships import Membership
from nic_shared.contracts.registry_facts import ActorType


class ActivityType(StrEnum):
    """The four development areas of PROGRAMME.md §1, plus the cluster's own operations."""

    COMPETENCE = "competence"
    INNOVATION_COLLABORATION = "innovation_collaboration"
    MOBILISATION = "mobilisation"
    INTERNATIONAL_MARKET_POSITIONS = "international_market_positions"
    OPERATIONS = "operations"


class FivePoint(StrEnum):
    """The five actor types of the five-point model; research and education are both academia."""

    ESTABLISHED_COMPANIES = "established_companies"
    STARTUPS = "startups"
    CAPITAL = "capital"
    ACADEMIA = "academia"
    PUBLIC = "public"


FIVE_POINT_OF: dict[ActorType, FivePoint] = {
    ActorType.ESTABLISHED_COMPANY: FivePoint.ESTABLISHED_COMPANIES,
    ActorType.STARTUP: FivePoint.STARTUPS,
    ActorType.CAPITAL: FivePoint.CAPITAL,
    ActorType.RESEARCH: FivePoint.ACADEMIA,
    ActorType.EDUCATION: FivePoint.ACADEMIA,
    ActorType.PUBLIC: FivePoint.PUBLIC,
}


@dataclass(frozen=True, slots=True)
class Activity:
    """One registered activity; participants are a count, never personal data."""

    cluster_id: UUID
    activity_date: date
    activity_type: ActivityType
    participant_count: int
    title: str = ""

    def __post_init__(self) -> None:
        if self.participant_count < 0:
            raise ValueError("participant_count cannot be negative")


@dataclass(frozen=True, slots=True)
class MemberCounts:
    """Members on 1 January and 31 December; memberships starting and ending within the year.

    Both ends of a membership are inclusive days, so these are four views, not a balance:
    one that starts on 1 January counts as at start and as joined.
    """

    at_start: int = 0
    joined: int = 0
    left: int = 0
    at_end: int = 0


@dataclass(frozen=True, slots=True)
class ActivityCounts:
    activities: int = 0
    participants: int = 0


@dataclass(frozen=True, slots=True)
class FivePointCoverage:
    present: frozenset[FivePoint]
    missing: tuple[FivePoint, ...]

    @property
    def covered(self) -> bool:
        return not self.missing


@dataclass(frozen=True, slots=True)
class AnnualReport:
    cluster_id: UUID
    year: int
    members: dict[ActorType, MemberCounts]
    activities: dict[ActivityType, ActivityCounts]
    five_point: FivePointCoverage

    @property
    def total_participants(self) -> int:
        return sum(c.participants for c in self.activities.values())

    @property
    def members_at_end(self) -> int:
        return sum(c.at_end for c in self.members.values())


def annual_report(
    cluster_id: UUID,
    year: int,
    memberships: Iterable[Membership],
    activities: Iterable[Activity],
) -> AnnualReport:
    """Report one cluster's year; rows of other clusters are ignored."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    own = [m for m in memberships if m.cluster_id == cluster_id]
    members = {
        actor: _member_counts([m for m in own if m.actor_type is actor], first, last)
        for actor in ActorType
    }
    at_end_types = {m.actor_type for m in own if m.member_at(last)}
    return AnnualReport(
        cluster_id=cluster_id,
        year=year,
        members=members,
        activities=_activity_counts(cluster_id, activities, first, last),
        five_point=five_point_coverage(at_end_types),
    )


def five_point_coverage(actor_types: Iterable[ActorType]) -> FivePointCoverage:
    """Which of the five actor types are present, and which are missing, in model order.

    Members of type OTHER belong to none of the five."""
    present = frozenset(FIVE_POINT_OF[a] for a in actor_types if a in FIVE_POINT_OF)
    return FivePointCoverage(present, tuple(p for p in FivePoint if p not in present))


def _member_counts(memberships: list[Membership], first: date, last: date) -> MemberCounts:
    return MemberCounts(
        at_start=len({m.organisation_key for m in memberships if m.member_at(first)}),
        joined=sum(1 for m in memberships if m.period.starts_within(first, last)),
        left=sum(1 for m in memberships if m.period.ends_within(first, last)),
        at_end=len({m.organisation_key for m in memberships if m.member_at(last)}),
    )


def _activity_counts(
    cluster_id: UUID, activities: Iterable[Activity], first: date, last: date
) -> dict[ActivityType, ActivityCounts]:
    counts = {t: ActivityCounts() for t in ActivityType}
    for a in activities:
        if a.cluster_id == cluster_id and first <= a.activity_date <= last:
            c = counts[a.activity_type]
            counts[a.activity_type] = ActivityCounts(
                c.activities + 1, c.participants + a.participant_count
            )
    return counts
