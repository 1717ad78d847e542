"""The lapse worker: grants nobody answered by their deadline lapse without an officer.

Every intake instance runs the loop. Each round finds the calls with a sent grant past its
acceptance deadline and no answer, and lapses each call in its own transaction through
`answers.lapse` (the same path as the officer's route), so reserves move up and their letters
go out. Two instances at once stay correct: the call row lock orders them, and the unique
answer per decision version makes the loser roll back; the next round then finds nothing due.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.decisions import answers
from nic_intake.domain.decisions import Outcome
from nic_intake.models import Decision, DecisionAcceptance, DecisionVersion
from nic_shared.clock import Clock, system_clock
from nic_shared.db import Database
from nic_shared.waits import running_task

log = logging.getLogger(__name__)

ACTOR = "system:lapse-worker"


async def due_calls(session: AsyncSession, now: datetime) -> list[uuid.UUID]:
    """Calls holding a sent, unanswered grant whose acceptance deadline has passed."""
    rows = await session.scalars(
        select(Decision.call_id)
        .join(
            DecisionVersion,
            and_(
                DecisionVersion.decision_id == Decision.id,
                DecisionVersion.version == Decision.current_version,
            ),
        )
        .outerjoin(
            DecisionAcceptance,
            and_(
                DecisionAcceptance.decision_id == Decision.id,
                DecisionAcceptance.version == Decision.current_version,
            ),
        )
        .where(
            DecisionVersion.outcome == Outcome.GRANTED.value,
            DecisionVersion.approved_at.is_not(None),
            DecisionVersion.acceptance_deadline < now,
            DecisionAcceptance.id.is_(None),
        )
        .distinct()
    )
    return list(rows.all())


class LapseWorker:
    """Lapses due grants every `interval_s`; a failed call is tried again next round."""

    def __init__(
        self, db: Database, clock: Callable[[], Clock], interval_s: float, acceptance_days: int
    ) -> None:
        self.db, self.clock, self.interval_s = db, clock, interval_s
        self.acceptance_days = acceptance_days

    async def run_once(self) -> int:
        """Lapse every due call; returns how many grants this instance lapsed."""
        now = self.clock()()
        async with self.db.transaction() as session:
            calls = await due_calls(session, now)
        lapsed = 0
        for call_id in calls:
            try:
                async with self.db.transaction() as session:
                    done, promoted = await answers.lapse(
                        session,
                        actor=ACTOR,
                        call_id=call_id,
                        now=now,
                        acceptance_days=self.acceptance_days,
                    )
                lapsed += len(done)
                if done:
                    log.info("call %s: %d lapsed, %d promoted", call_id, len(done), len(promoted))
            except Exception:  # lost a race with another instance, or the database is away
                log.warning("lapsing call %s failed; retrying next round", call_id, exc_info=True)
        return lapsed

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.warning("lapse worker round failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval_s)


def lapse_worker(
    interval_s: float, acceptance_days: int
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan resource running the lapse loop (the app's clock, so tests can move it)."""

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        worker = LapseWorker(
            app.state.db,
            lambda: getattr(app.state, "clock", system_clock),
            interval_s,
            acceptance_days,
        )
        async with running_task(worker.run(), "decision-lapses"):
            yield

    return resource
