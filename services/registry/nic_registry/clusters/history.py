"""Load clusters with their periods from the database, and turn the rows into domain histories.

A handful of queries whatever the number of clusters: clusters, periods, labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.domain.clusters import ClusterHistory, EscaGrade, LevelPeriod
from nic_registry.domain.clusters import EscaLabel as DomainEsca
from nic_registry.domain.periods import Period
from nic_registry.models import Cluster, ClusterPeriod, EscaLabel
from nic_shared.contracts.registry_facts import ClusterLevel

LEVEL, NCE, MATURE = "level", "nce", "mature"


@dataclass
class ClusterRecord:
    """A cluster's rows; `history()` is the validated domain view of them."""

    cluster: Cluster
    periods: list[ClusterPeriod] = field(default_factory=list)
    labels: list[EscaLabel] = field(default_factory=list)

    def history(
        self,
        periods: list[ClusterPeriod] | None = None,
        labels: list[EscaLabel] | None = None,
    ) -> ClusterHistory:
        """The domain history; pass changed rows to validate a change before writing it."""
        rows = self.periods if periods is None else periods
        esca = self.labels if labels is None else labels
        return ClusterHistory(
            cluster_id=self.cluster.id,
            name=self.cluster.name,
            facilitator_org_number=self.cluster.facilitator_org_number,
            levels=tuple(
                LevelPeriod(ClusterLevel(p.level or ""), Period(p.valid_from, p.valid_to))
                for p in rows
                if p.kind == LEVEL
            ),
            nce=tuple(Period(p.valid_from, p.valid_to) for p in rows if p.kind == NCE),
            mature=tuple(Period(p.valid_from, p.valid_to) for p in rows if p.kind == MATURE),
            esca=tuple(DomainEsca(EscaGrade(e.grade), e.awarded, e.valid_until) for e in esca),
        )


async def load_records(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, ClusterRecord]:
    """The clusters with these ids (missing ones are left out), with periods and labels."""
    if not ids:
        return {}
    wanted = list(set(ids))
    clusters = (await session.scalars(select(Cluster).where(Cluster.id.in_(wanted)))).all()
    records = {c.id: ClusterRecord(c) for c in clusters}
    periods = await session.scalars(
        select(ClusterPeriod)
        .where(ClusterPeriod.cluster_id.in_(wanted))
        .order_by(ClusterPeriod.valid_from, ClusterPeriod.id)
    )
    grouped: dict[UUID, list[ClusterPeriod]] = defaultdict(list)
    for p in periods:
        grouped[p.cluster_id].append(p)
    labels = await session.scalars(
        select(EscaLabel).where(EscaLabel.cluster_id.in_(wanted)).order_by(EscaLabel.awarded)
    )
    grouped_labels: dict[UUID, list[EscaLabel]] = defaultdict(list)
    for label in labels:
        grouped_labels[label.cluster_id].append(label)
    for cluster_id, record in records.items():
        record.periods = grouped[cluster_id]
        record.labels = grouped_labels[cluster_id]
    return records


async def histories(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, ClusterHistory]:
    """The domain histories, read as Core rows (read-only, and cheaper than ORM instances)."""
    if not ids:
        return {}
    wanted = list(set(ids))

    async def rows(model: Any, column: Any) -> Sequence[Any]:
        query = select(model.__table__).where(column.in_(wanted))
        return (await session.execute(query)).all()

    records: dict[UUID, ClusterRecord] = {
        c.id: ClusterRecord(c) for c in await rows(Cluster, Cluster.id)
    }
    for p in sorted(
        await rows(ClusterPeriod, ClusterPeriod.cluster_id), key=lambda p: p.valid_from
    ):
        records[p.cluster_id].periods.append(p)
    for e in await rows(EscaLabel, EscaLabel.cluster_id):
        records[e.cluster_id].labels.append(e)
    return {cid: r.history() for cid, r in records.items()}
