"""FundingDecided (nic.intake) -> the registry.

Every granted decision is kept (highest version) for programme reporting. A granted
admission (Arena, Arena Pro, GCE, NCE brand, mature qualification) creates the cluster's
period, with the decision's id, from `period_start` (else the decision's Oslo date) to the
end the level's rules give (domain/admissions.py). The same or an older version of a
decision changes nothing; a newer one re-dates its period. A decision the history cannot
take (unknown cluster, an overlap, no cluster named) is Poison: dead-lettered with the
reason at once, nothing written, never merged into a neighbouring period.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.clusters.history import load_records
from nic_registry.clusters.service import record_level_changed
from nic_registry.domain.admissions import admission_term
from nic_registry.domain.errors import InvalidPeriod, PeriodConflict
from nic_registry.models import ClusterPeriod, GrantedDecision
from nic_registry.problems import OSLO
from nic_shared.consumer import Poison, Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.intake import AdmissionKind, DecisionOutcome, FundingDecided


async def on_funding_decided(
    session: AsyncSession, decided: FundingDecided, _event: CloudEvent, _context: Any
) -> None:
    await _keep_grant(session, decided)
    if decided.admission is None or decided.outcome is not DecisionOutcome.GRANTED:
        return
    await _admit(session, decided, decided.admission)


async def _keep_grant(session: AsyncSession, decided: FundingDecided) -> None:
    """Hold the decision's latest version if granted; drop it if a newer one is not."""
    held = await session.get(GrantedDecision, decided.decision_id)
    if held is not None and held.decision_version >= decided.decision_version:
        return
    if decided.outcome is not DecisionOutcome.GRANTED:
        await session.execute(
            delete(GrantedDecision).where(GrantedDecision.decision_id == decided.decision_id)
        )
        return
    row = held or GrantedDecision(decision_id=decided.decision_id)
    row.decision_version = decided.decision_version
    row.application_id = decided.application_id
    row.call_id = decided.call_id
    row.scheme = decided.scheme.value
    row.cluster_id = decided.cluster_id
    row.admission = decided.admission.value if decided.admission else None
    row.amount_nok = int(decided.amount_nok)
    row.decided_at = decided.decided_at
    session.add(row)


async def _admit(session: AsyncSession, decided: FundingDecided, admission: AdmissionKind) -> None:
    ref = f"admission decision {decided.decision_id} v{decided.decision_version}"
    if decided.cluster_id is None:
        raise Poison(f"{ref}: names no cluster_id")
    held = await session.scalar(
        select(ClusterPeriod).where(ClusterPeriod.decision_id == decided.decision_id)
    )
    if held is not None and (held.decision_version or 0) >= decided.decision_version:
        return  # this version (or a newer one) is in the history already
    record = (await load_records(session, [decided.cluster_id])).get(decided.cluster_id)
    if record is None:
        raise Poison(f"{ref}: no cluster {decided.cluster_id} in the registry")
    start = decided.period_start or decided.decided_at.astimezone(OSLO).date()
    term = admission_term(admission, start)
    now = datetime.now(UTC)
    row = held or ClusterPeriod(id=uuid.uuid4(), cluster_id=record.cluster.id, created_at=now)
    candidate = ClusterPeriod(
        id=row.id,
        cluster_id=record.cluster.id,
        kind=term.kind,
        level=term.level.value if term.level else None,
        valid_from=term.period.valid_from,
        valid_to=term.period.valid_to,
        created_at=row.created_at,
    )
    others = [p for p in record.periods if p.id != row.id]
    try:
        record.history(periods=[*others, candidate])
    except (InvalidPeriod, PeriodConflict) as exc:
        raise Poison(f"{ref} refused: {exc}") from exc
    row.kind, row.level = candidate.kind, candidate.level
    row.valid_from, row.valid_to = candidate.valid_from, candidate.valid_to
    row.decision_id, row.decision_version = decided.decision_id, decided.decision_version
    session.add(row)
    record.cluster.updated_at = now  # bumps the version: a concurrent edit conflicts
    await session.flush()
    if row.kind == "level":
        await record_level_changed(session, row)


SUBSCRIPTIONS: list[Subscription[Any]] = [Subscription(FundingDecided, on_funding_decided)]
