"""Review reminders: members with unfinished reviews get one e-mail N days before the close.

A loop in every scoring instance looks for due panels; each reminder is queued through the
shared mail outbox with `dedupe_key = reminder:{panel}:{member}:{closes_at}`, whose unique
constraint makes it once-only across restarts and between two instances (the loser of a race
rolls back and finds the key next time). Moving `closes_at` starts a new round. The mail names
no applicant: only how many reviews are open and when the window closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.domain.reviews import ReviewStatus
from nic_scoring.domain.window import oslo_text, reminder_due
from nic_shared.clock import Clock, system_clock
from nic_shared.db import Database
from nic_shared.mail.outbox import enqueue
from nic_shared.waits import running_task

log = logging.getLogger(__name__)


def reminder_key(panel: models.Panel, member_id: object) -> str:
    closes = panel.closes_at.isoformat() if panel.closes_at else "-"
    return f"reminder:{panel.id}:{member_id}:{closes}"


async def unfinished(session: AsyncSession, panel_id: object) -> dict[object, int]:
    """Per member: assignments without a submitted review."""
    submitted = {
        (r.member_id, r.application_id)
        for r in (
            await session.execute(
                select(models.ReviewRow.member_id, models.ReviewRow.application_id).where(
                    models.ReviewRow.panel_id == panel_id,
                    models.ReviewRow.status == ReviewStatus.SUBMITTED.value,
                )
            )
        ).all()
    }
    counts: dict[object, int] = {}
    for member_id, application_id in (
        await session.execute(
            select(models.Assignment.member_id, models.Assignment.application_id).where(
                models.Assignment.panel_id == panel_id
            )
        )
    ).all():
        if (member_id, application_id) not in submitted:
            counts[member_id] = counts.get(member_id, 0) + 1
    return counts


async def queue_due_reminders(session: AsyncSession, now: datetime) -> int:
    """Queue every due reminder not queued before; returns how many were queued."""
    queued = 0
    panels = (
        await session.scalars(
            select(models.Panel).where(
                models.Panel.closes_at.is_not(None), models.Panel.reminder_days_before.is_not(None)
            )
        )
    ).all()
    for panel in panels:
        if not reminder_due(panel.closes_at, panel.reminder_days_before, now):
            continue
        open_counts = await unfinished(session, panel.id)
        members = (
            await session.scalars(
                select(models.PanelMember).where(
                    models.PanelMember.panel_id == panel.id,
                    models.PanelMember.member_id.in_(list(open_counts)),
                    models.PanelMember.email.is_not(None),
                )
            )
        ).all()
        for member in members:
            if panel.closes_at is None or member.email is None:
                continue
            closes = oslo_text(panel.closes_at)
            count = open_counts[member.member_id]
            added = await enqueue(
                session,
                models.MailMessage,
                recipient=member.email,
                subject=f"Påminnelse: {count} vurdering(er) i {panel.name} / Review reminder",
                body=(
                    f"Hei {member.name},\n\n"
                    f"Du har {count} vurdering(er) som ikke er sendt inn i panelet «{panel.name}».\n"
                    f"Vurderingsvinduet stenger {closes} (Europe/Oslo).\n\n"
                    f"You have {count} unfinished review(s) on the panel «{panel.name}».\n"
                    f"The review window closes {closes} (Europe/Oslo).\n"
                ),
                now=now,
                dedupe_key=reminder_key(panel, member.member_id),
            )
            queued += added
    return queued


class ReminderWorker:
    """Looks for due reminders every `interval_s`; a lost race is retried on the next round."""

    def __init__(self, db: Database, clock: Callable[[], Clock], interval_s: float) -> None:
        self.db, self.clock, self.interval_s = db, clock, interval_s

    async def run_once(self) -> int:
        try:
            async with self.db.transaction() as session:
                return await queue_due_reminders(session, self.clock()())
        except IntegrityError:  # another instance queued the same reminder first
            return 0

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the database is away: try again next round
                log.warning("review reminders failed; retrying", exc_info=True)
            await asyncio.sleep(self.interval_s)


def reminder_worker(interval_s: float) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan resource running the reminder loop (the app's clock, so tests can move it)."""

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        worker = ReminderWorker(
            app.state.db, lambda: getattr(app.state, "clock", system_clock), interval_s
        )
        async with running_task(worker.run(), "review-reminders"):
            yield

    return resource
