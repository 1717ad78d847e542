"""Two operations instances on one database: every webhook delivery is sent once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter as Tally
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import insert, select

from nic_operations.main import MIGRATIONS
from nic_operations.models import deliveries, subscriptions
from nic_operations.settings import OperationsSettings
from nic_operations.webhook_delivery import DeliveryWorker
from nic_operations.webhooks import ACTIVE, DELIVERED, PENDING, new_secret
from nic_shared.db import Database

COUNT = 60


async def _queue(db: Database) -> None:
    now = datetime.now(UTC)
    sub = uuid.uuid4()
    async with db.transaction() as session:
        await session.execute(
            insert(subscriptions).values(
                id=sub,
                url="https://hooks.example.org/nic",
                event_types=["no.nic.application.submitted.v1"],
                secret=new_secret(),
                status=ACTIVE,
                consecutive_failures=0,
                created_by="test",
                created_at=now,
                full_payloads=False,
            )
        )
        await session.execute(
            insert(deliveries),
            [
                {
                    "id": f"msg_{n:03}",
                    "subscription_id": sub,
                    "event_id": f"event-{n}",
                    "event_type": "no.nic.application.submitted.v1",
                    "body": "{}",
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for n in range(COUNT)
            ],
        )


def _instance(url: str, sent: Tally[str]) -> DeliveryWorker:
    """A worker whose HTTP attempt is a stand-in that counts and answers 204 a little later;
    claiming and recording are the real ones, on the shared database."""
    outcomes = Counter("outcomes", "x", ["outcome"], registry=CollectorRegistry())
    worker = DeliveryWorker(Database(url), OperationsSettings(webhook_concurrency=4), outcomes)

    async def attempt(row: Any) -> None:
        sent[row.id] += 1
        await asyncio.sleep(0.01)
        await worker._record(row, 204, None, 10)

    worker._attempt = attempt  # type: ignore[method-assign]
    return worker


async def test_two_instances_send_every_delivery_once(new_database):
    url = await new_database("operations", MIGRATIONS)
    first_db = Database(url)
    await _queue(first_db)
    sent: Tally[str] = Tally()
    workers = [_instance(url, sent), _instance(url, sent)]

    async def drain(worker: DeliveryWorker) -> None:
        while await worker.deliver_due():
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    await asyncio.gather(*(drain(w) for w in workers))  # nothing left for a second round
    async with first_db.transaction() as session:
        statuses = (await session.scalars(select(deliveries.c.status))).all()
    assert sorted(sent) == [f"msg_{n:03}" for n in range(COUNT)]
    assert set(sent.values()) == {1}
    assert statuses == [DELIVERED] * COUNT
    for worker in workers:
        await worker.close()
        await worker.db.dispose()
    await first_db.dispose()
