"""The webhook delivery worker: sends due deliveries, signed, with retries and backoff.

Several operations instances may run it on one database: each delivery is claimed before
it is sent (a conditional UPDATE moving `next_attempt_at` past the attempt's timeout), so
one instance sends it; one killed mid-send leaves a claim that runs out, and the delivery
goes again with the same `webhook-id` (receivers dedupe on it, as Standard Webhooks says).

A failed attempt waits its step of `webhook_backoff_s`, jittered (up to `SCHEDULE_JITTER`
earlier, so deliveries that failed together do not all come back at once), or longer when
the target's answer carried a Retry-After (seconds or an HTTP date), capped at the
schedule's longest step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from prometheus_client import Counter
from sqlalchemy import and_, func, insert, select, update

from nic_operations.models import attempts, deliveries, subscriptions
from nic_operations.settings import OperationsSettings
from nic_operations.webhooks import (
    ACTIVE,
    DELIVERED,
    FAILED,
    PAUSED,
    PENDING,
    UnsafeTarget,
    check_target,
    post_pinned,
    sign,
    webhook_client,
)
from nic_shared.db import Database
from nic_shared.retry import jittered, retry_after_seconds
from nic_shared.waits import stop_if_cancelled, wake_or_timeout

log = logging.getLogger(__name__)

SCHEDULE_JITTER = 0.2
"""A scheduled wait is drawn from [80 %, 100 %] of its step."""


class DeliveryWorker:
    """Sends due deliveries; wakes on commits that queued some, polls as a fallback."""

    def __init__(self, db: Database, settings: OperationsSettings, outcomes: Counter) -> None:
        self.db = db
        self.settings = settings
        self.outcomes = outcomes
        self._wake = asyncio.Event()
        self._client = webhook_client(settings)

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        await self._client.aclose()

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                sent = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: try again later
                log.warning("webhook worker failed", extra={"error": repr(exc)})
                sent = 0
            if sent == 0:
                await wake_or_timeout(self._wake, self.settings.webhook_poll_interval_s)

    async def deliver_due(self) -> int:
        """Claim and send one batch of due deliveries; returns how many this worker sent."""
        now = datetime.now(UTC)
        lease = timedelta(seconds=self.settings.webhook_timeout_s * 2 + 30)
        async with self.db.transaction() as session:
            due = (
                await session.execute(
                    select(
                        deliveries.c.id,
                        deliveries.c.body,
                        deliveries.c.attempts,
                        subscriptions.c.id.label("subscription_id"),
                        subscriptions.c.url,
                        subscriptions.c.secret,
                    )
                    .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
                    .where(
                        deliveries.c.status == PENDING,
                        deliveries.c.next_attempt_at <= now,
                        subscriptions.c.status == ACTIVE,
                    )
                    .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
                    .limit(self.settings.webhook_concurrency * 4)
                )
            ).all()
            claimed = [row for row in due if await _claim(session, row.id, now, now + lease)]
        due = claimed
        gate = asyncio.Semaphore(self.settings.webhook_concurrency)

        async def one(row: Any) -> None:
            async with gate:
                await self._attempt(row)

        await asyncio.gather(*(one(r) for r in due))
        return len(due)

    async def _attempt(self, row: Any) -> None:
        body = row.body.encode()
        stamp = int(time.time())
        status_code: int | None = None
        error: str | None = None
        retry_after: float | None = None
        started = time.perf_counter()
        try:
            target = await check_target(row.url, self.settings)
            response = await post_pinned(
                self._client,
                target,
                content=body,
                headers={
                    "content-type": "application/json",
                    "webhook-id": row.id,
                    "webhook-timestamp": str(stamp),
                    "webhook-signature": sign(row.secret, row.id, stamp, body),
                },
            )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
        except (httpx.HTTPError, httpx.InvalidURL, UnsafeTarget) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        await self._record(row, status_code, error, elapsed_ms, retry_after)

    def next_wait(self, tries: int, retry_after: float | None = None) -> float:
        """Seconds before the next attempt after `tries` failed ones: the schedule's step,
        jittered, or the target's Retry-After when longer (capped at the longest step)."""
        schedule = self.settings.webhook_backoff_s or [60.0]
        wait = jittered(schedule[min(tries - 1, len(schedule) - 1)], spread=SCHEDULE_JITTER)
        if retry_after is not None:
            wait = max(wait, min(retry_after, max(schedule)))
        return wait

    async def _record(
        self,
        row: Any,
        status_code: int | None,
        error: str | None,
        elapsed_ms: int,
        retry_after: float | None = None,
    ) -> None:
        now = datetime.now(UTC)
        ok = error is None
        async with self.db.transaction() as session:
            number = 1 + int(
                await session.scalar(
                    select(func.count())
                    .select_from(attempts)
                    .where(attempts.c.delivery_id == row.id)
                )
                or 0
            )
            await session.execute(
                insert(attempts).values(
                    delivery_id=row.id,
                    number=number,
                    attempted_at=now,
                    status_code=status_code,
                    error=error,
                    duration_ms=elapsed_ms,
                )
            )
            tries = row.attempts + 1
            if ok:
                values: dict[str, Any] = {
                    "status": DELIVERED,
                    "delivered_at": now,
                    "next_attempt_at": None,
                    "last_error": None,
                }
            elif tries >= self.settings.webhook_max_attempts:
                values = {"status": FAILED, "next_attempt_at": None, "last_error": error}
            else:
                wait = self.next_wait(tries, retry_after)
                values = {"next_attempt_at": now + timedelta(seconds=wait), "last_error": error}
            await session.execute(
                update(deliveries).where(deliveries.c.id == row.id).values(attempts=tries, **values)
            )
            sub = subscriptions.c
            if ok:
                await session.execute(
                    update(subscriptions)
                    .where(sub.id == row.subscription_id)
                    .values(consecutive_failures=0)
                )
            else:
                await session.execute(
                    update(subscriptions)
                    .where(sub.id == row.subscription_id)
                    .values(consecutive_failures=sub.consecutive_failures + 1)
                )
                await session.execute(
                    update(subscriptions)
                    .where(
                        and_(
                            sub.id == row.subscription_id,
                            sub.status == ACTIVE,
                            sub.consecutive_failures >= self.settings.webhook_pause_after_failures,
                        )
                    )
                    .values(status=PAUSED, paused_at=now)
                )
        self.outcomes.labels(outcome="delivered" if ok else "failed").inc()
        if not ok:
            log.warning(
                "webhook attempt failed",
                extra={"delivery": row.id, "attempt": row.attempts + 1, "error": error},
            )


@contextlib.asynccontextmanager
async def delivery_worker(app: FastAPI) -> AsyncIterator[None]:
    """The lifespan resource: runs the worker while the app runs."""
    worker = DeliveryWorker(app.state.db, app.state.settings, app.state.webhook_outcomes)
    app.state.db.on_commit(worker.wake)
    app.state.webhooks = worker
    task = asyncio.create_task(worker.run(), name="webhook-worker")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await worker.close()


async def _claim(session: Any, delivery_id: str, now: datetime, until: datetime) -> bool:
    """Move a due delivery's next attempt past this attempt; False if another worker did."""
    result = await session.execute(
        update(deliveries)
        .where(
            deliveries.c.id == delivery_id,
            deliveries.c.status == PENDING,
            deliveries.c.next_attempt_at <= now,
        )
        .values(next_attempt_at=until)
    )
    return bool(result.rowcount == 1)
