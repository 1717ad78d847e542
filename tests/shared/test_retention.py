"""Retention on both databases: idempotency keys, inbox rows and sent outbox rows pruned after
their periods; a retry inside the period still replayed; unsent outbox rows never pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from nic_shared import idempotency, retention
from nic_shared.db import Database
from nic_shared.metrics import Metrics
from tests.shared import harness

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SCOPE = "applicant-1:POST /v1/applications/{id}/submit"


def settings(url: str, **overrides: Any) -> harness.HarnessSettings:
    values = {
        "idempotency_retention_hours": 72,
        "inbox_retention_hours": 720,
        "outbox_retention_hours": 72,
        **overrides,
    }
    return harness.settings("127.0.0.1:1", url, "retention-", **values)


async def remember_key(db: Database, key: str, at: datetime, body: dict[str, Any]) -> None:
    async with db.transaction() as session:
        await idempotency.remember(
            session, scope=SCOPE, key=key, body_hash="h", status_code=201, body=body
        )
        table = harness.tables.idempotency
        await session.execute(
            table.update().where(table.c.key == key).values(created_at=at)  # as if then
        )


async def lookup(db: Database, key: str) -> idempotency.StoredResponse | None:
    async with db.transaction() as session:
        return await idempotency.lookup(session, scope=SCOPE, key=key, body_hash="h")


async def add_inbox(db: Database, event_id: str, at: datetime) -> None:
    async with db.transaction() as session:
        await session.execute(
            insert(harness.tables.inbox).values(
                event_id=event_id,
                event_type="no.nic.test.v1",
                topic="nic.registry",
                partition=0,
                offset=0,
                processed_at=at,
            )
        )


async def add_outbox(db: Database, event_id: str, created: datetime, sent: datetime | None) -> None:
    async with db.transaction() as session:
        await session.execute(
            insert(harness.tables.outbox).values(
                event_id=event_id,
                event_type="no.nic.test.v1",
                topic="nic.registry",
                key="k",
                payload="{}",
                created_at=created,
                sent_at=sent,
            )
        )


async def ids(db: Database, column: Any) -> set[str]:
    async with db.transaction() as session:
        return set((await session.scalars(select(column))).all())


def pruned_count(metrics: Metrics, table: str) -> float:
    value = metrics.registry.get_sample_value("nic_retention_pruned_rows_total", {"table": table})
    return value or 0.0


async def test_a_retry_inside_the_period_is_still_replayed_after_a_pass(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg = settings(url)
    await remember_key(db, "submit-1", NOW - 71 * HOUR, {"id": 1, "status": "submitted"})

    pruned = await retention.prune(db, harness.tables, cfg, Metrics("harness"), now=NOW)

    assert pruned["idempotency_keys"] == 0
    stored = await lookup(db, "submit-1")
    assert stored is not None
    assert stored.status_code == 201
    assert stored.body == {"id": 1, "status": "submitted"}
    await db.dispose()


async def test_a_key_older_than_the_period_is_pruned_and_then_acts_as_new(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg, metrics = settings(url), Metrics("harness")
    await remember_key(db, "submit-old", NOW - 73 * HOUR, {"id": 1})
    await remember_key(db, "submit-new", NOW - HOUR, {"id": 2})

    pruned = await retention.prune(db, harness.tables, cfg, metrics, now=NOW)

    assert pruned["idempotency_keys"] == 1
    assert pruned_count(metrics, "idempotency_keys") == 1
    assert await lookup(db, "submit-old") is None  # new: the work is done again
    assert await lookup(db, "submit-new") is not None
    await remember_key(db, "submit-old", NOW, {"id": 3})  # and stored afresh, no conflict
    stored = await lookup(db, "submit-old")
    assert stored is not None
    assert stored.body == {"id": 3}
    await db.dispose()


async def test_old_inbox_rows_are_pruned_and_recent_ones_kept(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg, metrics = settings(url), Metrics("harness")
    await add_inbox(db, "old-1", NOW - 721 * HOUR)
    await add_inbox(db, "old-2", NOW - 2000 * HOUR)
    await add_inbox(db, "recent", NOW - 719 * HOUR)

    pruned = await retention.prune(db, harness.tables, cfg, metrics, now=NOW)

    assert pruned["inbox"] == 2
    assert pruned_count(metrics, "inbox") == 2
    assert await ids(db, harness.tables.inbox.c.event_id) == {"recent"}
    await db.dispose()


async def test_sent_outbox_rows_past_retention_go_and_unsent_ones_never(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg, metrics = settings(url), Metrics("harness")
    ancient = NOW - 10_000 * HOUR
    await add_outbox(db, "sent-old", ancient, ancient + HOUR)
    await add_outbox(db, "sent-recent", NOW - 100 * HOUR, NOW - 71 * HOUR)  # sent late
    await add_outbox(db, "unsent-ancient", ancient, None)
    await add_outbox(db, "unsent-new", NOW, None)

    pruned = await retention.prune(db, harness.tables, cfg, metrics, now=NOW)

    assert pruned["outbox"] == 1
    assert pruned_count(metrics, "outbox") == 1
    remaining = await ids(db, harness.tables.outbox.c.event_id)
    assert remaining == {"sent-recent", "unsent-ancient", "unsent-new"}
    await db.dispose()


async def test_a_backlog_goes_in_batches_until_none_is_left(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg, metrics = settings(url, retention_batch_size=3), Metrics("harness")
    for n in range(10):
        await add_inbox(db, f"old-{n}", NOW - 800 * HOUR)
        await remember_key(db, f"key-{n}", NOW - 100 * HOUR, {"n": n})
    await add_inbox(db, "recent", NOW)

    pruned = await retention.prune(db, harness.tables, cfg, metrics, now=NOW)

    assert pruned == {"idempotency_keys": 10, "inbox": 10, "outbox": 0}
    assert await ids(db, harness.tables.inbox.c.event_id) == {"recent"}
    assert await harness.count(db, harness.tables.idempotency) == 0
    await db.dispose()


async def test_two_passes_at_once_prune_each_row_once(new_database):
    url = await new_database("harness", None)
    first = await harness.open_database(url)
    second = await harness.open_database(url)  # another instance on the same database
    cfg, metrics = settings(url, retention_batch_size=5), Metrics("harness")
    for n in range(40):
        await add_inbox(first, f"old-{n}", NOW - 800 * HOUR)

    results = await asyncio.gather(
        retention.prune(first, harness.tables, cfg, metrics, now=NOW),
        retention.prune(second, harness.tables, cfg, metrics, now=NOW),
    )

    assert sum(r["inbox"] for r in results) == 40
    assert pruned_count(metrics, "inbox") == 40
    assert await harness.count(first, harness.tables.inbox) == 0
    await first.dispose()
    await second.dispose()


async def test_the_worker_prunes_every_interval(new_database):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg = settings(url, retention_interval_s=0.05)
    await add_inbox(db, "old", datetime.now(UTC) - 800 * HOUR)
    worker = retention.RetentionWorker(
        db=db, tables=harness.tables, settings=cfg, metrics=Metrics("harness")
    )

    async def gone() -> bool:
        return await harness.count(db, harness.tables.inbox) == 0

    async with harness.running(worker.run()):
        await harness.wait_until(gone, timeout_s=5)
    await db.dispose()


def test_the_inbox_must_outlast_the_outbox_republish_window():
    with pytest.raises(ValueError, match="inbox_retention_hours"):
        settings("sqlite+aiosqlite:///:memory:", inbox_retention_hours=24)
