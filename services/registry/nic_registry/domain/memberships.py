"""Who is a member of which cluster, when (PROGRAMME.md §1, §2c; REFERENCE.md §6.5).

Membership is kept with join and leave dates so that questions are always asked at a date:
"members at", "clusters of at", and the circular-value-chain call's "member of a current or
former NIC cluster".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from nic_registry.domain.clusters import ClusterHistory
from nic_registry.domain.periods import Period, ensure_no_overlap
from nic_shared.contracts.registry_facts import ActorType, NicStatus


@dataclass(frozen=True, slots=True)
class Membership:
    """An organisation's membership of a cluster as one actor type for one period."""

    cluster_id: UUID
    organisation_key: str
    actor_type: ActorType
    period: Period

    def member_at(self, day: date) -> bool:
        return self.period.covers(day)

    def ended(self, valid_to: date) -> Membership:
        """The same membership closed on `valid_to` (InvalidPeriod if before it started)."""
        return Membership(
            self.cluster_id,
            self.organisation_key,
            self.actor_type,
            Period(self.period.valid_from, valid_to),
        )


def ensure_no_overlapping_memberships(memberships: Iterable[Membership]) -> None:
    """One organisation holds one membership of a cluster at a time; else PeriodConflict."""
    by_pair: dict[tuple[UUID, str], list[Period]] = defaultdict(list)
    for m in memberships:
        by_pair[(m.cluster_id, m.organisation_key)].append(m.period)
    for (cluster_id, key), periods in by_pair.items():
        ensure_no_overlap(periods, f"membership of {key} in cluster {cluster_id}")


def add_membership(existing: Iterable[Membership], new: Membership) -> tuple[Membership, ...]:
    """The memberships with `new` added, refused with PeriodConflict if it overlaps."""
    result = (*existing, new)
    ensure_no_overlapping_memberships(result)
    return result


def members_at(
    memberships: Iterable[Membership], cluster_id: UUID, day: date
) -> tuple[Membership, ...]:
    """The memberships of a cluster that cover the date."""
    return tuple(m for m in memberships if m.cluster_id == cluster_id and m.member_at(day))


def clusters_of_at(
    memberships: Iterable[Membership], organisation_key: str, day: date
) -> frozenset[UUID]:
    """The clusters an organisation is a member of at the date."""
    return frozenset(
        m.cluster_id
        for m in memberships
        if m.organisation_key == organisation_key and m.member_at(day)
    )


def member_of_current_or_former_nic_cluster(
    memberships: Iterable[Membership],
    clusters: Mapping[UUID, ClusterHistory],
    organisation_key: str,
    day: date,
) -> bool:
    """Was a member, at some time on or before the date, of a cluster active or former in NIC then.

    A membership that has ended still counts: the call asks about the company's tie to a
    current or former NIC cluster, not about membership on the day itself.
    """
    for m in memberships:
        if m.organisation_key != organisation_key or not m.period.started_on_or_before(day):
            continue
        cluster = clusters.get(m.cluster_id)
        if cluster is not None and cluster.nic_status_at(day) is not NicStatus.NEVER:
            return True
    return False
