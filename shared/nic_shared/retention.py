"""Retention: the messaging tables pruned after documented periods (docs/retention.md).

One pass, run by every service (`RetentionWorker`, started by the app's lifespan every
`retention_interval_s`), deletes:
- idempotency keys older than `idempotency_retention_hours` (a retry within it still
  replays its first answer; after it the same key acts as new);
- inbox rows (handled event ids) older than `inbox_retention_hours`, which must outlast any
  redelivery (the broker's log retention, the outbox's republish window);
- sent outbox rows older than `outbox_retention_hours`; an unsent row is never pruned,
  whatever its age.

A row is pruned at the earliest once its period is over, at the latest one interval later.
Deletes go in batches of `retention_batch_size`, one short transaction each, so a large
backlog never holds a long transaction or many locks. Several instances may run it on one
database: deleting by age is idempotent, and on PostgreSQL each batch picks its rows with
`FOR UPDATE SKIP LOCKED`, so two passes take disjoint rows instead of waiting on (or
deadlocking over) each other's. SQLite has one instance per database file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, select, tuple_

from nic_shared.db import Database
from nic_shared.messaging_tables import MessagingTables
from nic_shared.metrics import Metrics
from nic_shared.retry import jittered
from nic_shared.settings import ServiceSettings
from nic_shared.waits import stop_if_cancelled

log = logging.getLogger(__name__)


Expired = Callable[[Table, datetime], ColumnElement[bool]]


def older_than(column: str) -> Expired:
    """Rows whose `column` is before the cutoff."""
    return lambda table, cutoff: table.c[column] < cutoff


def sent_before(table: Table, cutoff: datetime) -> ColumnElement[bool]:
    """Outbox rows sent before the cutoff; unsent ones never match. A row is created before
    it is sent, so the created_at term lets ix_outbox_created_at narrow the scan (with clock
    skew between instances it can only keep a row a little longer, never prune it early)."""
    c = table.c
    return and_(c.sent_at.is_not(None), c.sent_at < cutoff, c.created_at < cutoff)


@dataclass(frozen=True)
class Rule:
    """What one table keeps: rows `expired` at the cutoff go; `key` names a row."""

    table: Table
    hours: int
    key: Sequence[str]
    expired: Expired


def rules(tables: MessagingTables, settings: ServiceSettings) -> list[Rule]:
    s = settings
    return [
        Rule(
            tables.idempotency,
            s.idempotency_retention_hours,
            ("scope", "key"),
            older_than("created_at"),
        ),
        Rule(tables.inbox, s.inbox_retention_hours, ("event_id",), older_than("processed_at")),
        Rule(tables.outbox, s.outbox_retention_hours, ("id",), sent_before),
    ]


async def prune_table(db: Database, rule: Rule, cutoff: datetime, batch_size: int) -> int:
    """Delete the rule's expired rows in batches; returns how many went."""
    table = rule.table
    columns = [table.c[name] for name in rule.key]
    picked = (
        select(*columns)
        .where(rule.expired(table, cutoff))
        .limit(batch_size)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has no row locks
    )
    target = columns[0] if len(columns) == 1 else tuple_(*columns)
    total = 0
    while True:
        stop_if_cancelled()
        async with db.transaction() as session:
            result = await session.execute(delete(table).where(target.in_(picked)))
        count = int(result.rowcount)  # type: ignore[attr-defined]
        total += count
        if count < batch_size:
            return total


async def prune(
    db: Database,
    tables: MessagingTables,
    settings: ServiceSettings,
    metrics: Metrics,
    *,
    now: datetime | None = None,
) -> dict[str, int]:
    """One retention pass over every messaging table; the rows pruned per table."""
    now = now or datetime.now(UTC)
    pruned: dict[str, int] = {}
    for rule in rules(tables, settings):
        cutoff = now - timedelta(hours=rule.hours)
        count = await prune_table(db, rule, cutoff, settings.retention_batch_size)
        pruned[rule.table.name] = count
        if count:
            metrics.retention_pruned.labels(table=rule.table.name).inc(count)
    if any(pruned.values()):
        log.info("retention pass pruned rows", extra={"pruned": pruned})
    return pruned


class RetentionWorker:
    """Runs `prune` every `retention_interval_s`, the first time after a random part of it
    (instances started together do not prune together)."""

    def __init__(
        self,
        *,
        db: Database,
        tables: MessagingTables,
        settings: ServiceSettings,
        metrics: Metrics,
    ) -> None:
        self.db, self.tables, self.settings, self.metrics = db, tables, settings, metrics

    async def run(self) -> None:
        interval = self.settings.retention_interval_s
        await asyncio.sleep(jittered(interval))
        while True:
            stop_if_cancelled()
            try:
                await prune(self.db, self.tables, self.settings, self.metrics)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the next pass tries again
                log.warning("retention pass failed", extra={"error": repr(exc)})
            await asyncio.sleep(interval)
