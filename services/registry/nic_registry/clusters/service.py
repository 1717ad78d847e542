"""Cluster use cases. They flush; the request commits. Every change of the history is checked
by the domain (`ClusterHistory`) before it is written, and bumps the cluster's version."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.clusters.history import LEVEL, MATURE, NCE, ClusterRecord, load_records
from nic_registry.clusters.schemas import (
    ClusterCreate,
    ClusterOut,
    ClusterPatch,
    EscaIn,
    EscaOut,
    PeriodOut,
)
from nic_registry.domain.clusters import EscaGrade, mature_qualification
from nic_registry.domain.facts import cluster_facts
from nic_registry.models import Cluster, ClusterPeriod, EscaLabel
from nic_registry.problems import flush, period_rules
from nic_shared import outbox
from nic_shared.contracts.registry_facts import ClusterLevel
from nic_shared.events.registry import ClusterLevelChanged, ClusterRegistered
from nic_shared.problems import NotFound


async def create(session: AsyncSession, body: ClusterCreate, now: datetime) -> ClusterRecord:
    cluster = Cluster(
        id=uuid.uuid4(),
        name=body.name.strip(),
        facilitator_org_number=body.facilitator_org_number,
        region=body.region,
        focus_areas=body.focus_areas,
        created_at=now,
        updated_at=now,
    )
    session.add(cluster)
    await session.flush()
    await outbox.record(
        session,
        ClusterRegistered(
            cluster_id=cluster.id,
            name=cluster.name,
            facilitator_org_number=cluster.facilitator_org_number,
        ),
    )
    return ClusterRecord(cluster)


async def get(session: AsyncSession, cluster_id: uuid.UUID) -> ClusterRecord:
    record = (await load_records(session, [cluster_id])).get(cluster_id)
    if record is None:
        raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
    return record


async def exists(session: AsyncSession, cluster_id: uuid.UUID) -> Cluster:
    cluster = await session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
    return cluster


async def page(
    session: AsyncSession, *, limit: int, after: list[str] | None
) -> list[ClusterRecord]:
    query = select(Cluster.id).order_by(Cluster.created_at, Cluster.id).limit(limit)
    if after is not None:
        created, ident = datetime.fromisoformat(after[0]), uuid.UUID(after[1])
        query = query.where(
            (Cluster.created_at > created)
            | ((Cluster.created_at == created) & (Cluster.id > ident))
        )
    ids = list((await session.scalars(query)).all())
    records = await load_records(session, ids)
    return [records[i] for i in ids]


async def update(
    session: AsyncSession, record: ClusterRecord, body: ClusterPatch, now: datetime
) -> ClusterRecord:
    cluster = record.cluster
    changes = body.model_dump(exclude_unset=True)
    for name in ("name", "facilitator_org_number", "region", "focus_areas"):
        if name in changes and changes[name] is not None:
            setattr(cluster, name, changes[name])
    if "region" in changes and changes["region"] is None:
        cluster.region = None
    record.history()  # still a valid cluster
    cluster.updated_at = now
    await flush(session)
    return record


async def add_level(
    session: AsyncSession,
    record: ClusterRecord,
    *,
    level: ClusterLevel,
    valid_from: date,
    valid_to: date | None,
    now: datetime,
) -> ClusterPeriod:
    row = ClusterPeriod(
        id=uuid.uuid4(),
        cluster_id=record.cluster.id,
        kind=LEVEL,
        level=level.value,
        valid_from=valid_from,
        valid_to=valid_to,
        created_at=now,
    )
    await _add_period(session, record, row, now)
    await record_level_changed(session, row)
    return row


async def add_nce(
    session: AsyncSession,
    record: ClusterRecord,
    valid_from: date,
    valid_to: date | None,
    now: datetime,
) -> ClusterPeriod:
    row = ClusterPeriod(
        id=uuid.uuid4(),
        cluster_id=record.cluster.id,
        kind=NCE,
        valid_from=valid_from,
        valid_to=valid_to,
        created_at=now,
    )
    await _add_period(session, record, row, now)
    return row


async def add_mature(
    session: AsyncSession, record: ClusterRecord, valid_from: date, now: datetime
) -> ClusterPeriod:
    term = mature_qualification(valid_from)
    row = ClusterPeriod(
        id=uuid.uuid4(),
        cluster_id=record.cluster.id,
        kind=MATURE,
        valid_from=term.valid_from,
        valid_to=term.valid_to,
        created_at=now,
    )
    await _add_period(session, record, row, now, pointer="#/valid_from")
    return row


async def add_esca(
    session: AsyncSession, record: ClusterRecord, body: EscaIn, now: datetime
) -> EscaLabel:
    row = EscaLabel(
        id=uuid.uuid4(),
        cluster_id=record.cluster.id,
        grade=body.grade.value,
        awarded=body.awarded,
        valid_until=body.valid_until,
        created_at=now,
    )
    with period_rules("#/valid_until"):
        record.history(labels=[*record.labels, row])
    session.add(row)
    record.labels.append(row)
    await _touch(session, record, now)
    return row


async def end_period(
    session: AsyncSession,
    record: ClusterRecord,
    period_id: uuid.UUID,
    valid_to: date,
    now: datetime,
) -> ClusterPeriod:
    """Close a period (a level ending is how a cluster leaves the programme)."""
    row = next((p for p in record.periods if p.id == period_id), None)
    if row is None:
        raise NotFound(f"no period {period_id} in cluster {record.cluster.id}")
    changed = ClusterPeriod(
        id=row.id,
        cluster_id=row.cluster_id,
        kind=row.kind,
        level=row.level,
        valid_from=row.valid_from,
        valid_to=valid_to,
        created_at=row.created_at,
    )
    with period_rules():
        record.history(periods=[changed if p is row else p for p in record.periods])
    row.valid_to = valid_to
    await _touch(session, record, now)
    if row.kind == LEVEL:
        await record_level_changed(session, row)
    return row


async def _add_period(
    session: AsyncSession,
    record: ClusterRecord,
    row: ClusterPeriod,
    now: datetime,
    pointer: str = "#/valid_to",
) -> None:
    with period_rules(pointer):
        record.history(periods=[*record.periods, row])
    session.add(row)
    record.periods.append(row)
    await _touch(session, record, now)


async def _touch(session: AsyncSession, record: ClusterRecord, now: datetime) -> None:
    """Bump the cluster's version: concurrent history changes then conflict instead of racing."""
    record.cluster.updated_at = now
    await flush(session)


async def record_level_changed(session: AsyncSession, row: ClusterPeriod) -> None:
    """Publish the level as it now stands (by hand or by an admission decision)."""
    await outbox.record(
        session,
        ClusterLevelChanged(
            cluster_id=row.cluster_id,
            level=row.level or "",
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        ),
    )


def period_out(row: ClusterPeriod) -> PeriodOut:
    return PeriodOut(
        id=row.id,
        kind=row.kind,
        level=ClusterLevel(row.level) if row.level else None,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        decision_id=row.decision_id,
    )


def to_out(record: ClusterRecord, as_of: date) -> ClusterOut:
    c = record.cluster
    return ClusterOut(
        id=c.id,
        name=c.name,
        facilitator_org_number=c.facilitator_org_number,
        region=c.region,
        focus_areas=list(c.focus_areas),
        levels=[period_out(p) for p in record.periods if p.kind == LEVEL],
        nce=[period_out(p) for p in record.periods if p.kind == NCE],
        mature=[period_out(p) for p in record.periods if p.kind == MATURE],
        esca_labels=[
            EscaOut(id=e.id, grade=EscaGrade(e.grade), awarded=e.awarded, valid_until=e.valid_until)
            for e in record.labels
        ],
        status=cluster_facts(record.history(), as_of),
        as_of=as_of,
        version=c.version,
        created_at=c.created_at,
    )
