"""The background task that delivers a service's mail outbox, with backoff while the server is away.

A failed delivery is retried (attempts and the last error are kept on the row) up to a
limit; a submission never waits for, or fails on, the mail server. Before sending, a worker
claims the row with a short lease (a conditional UPDATE), so of two instances polling the
same outbox only one sends each mail; a worker that dies mid-send frees it when the lease ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from fastapi import FastAPI
from sqlalchemy import or_, select, update

from nic_shared.db import Database
from nic_shared.mail.model import MailMessageMixin
from nic_shared.mail.senders import FolderSender, MailSender, SmtpSender
from nic_shared.retry import backoff_delays
from nic_shared.settings import ServiceSettings
from nic_shared.waits import running_task, stop_if_cancelled

log = logging.getLogger(__name__)
BATCH = 50


def sender_for(settings: ServiceSettings) -> MailSender:
    if settings.mail_transport == "smtp":
        return SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s)
    return FolderSender(settings.mail_dir())


def build(row: MailMessageMixin, sender: str, service: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = make_msgid(idstring=f"nic-{service}-{row.id}", domain="nic.local")
    message.set_content(row.body)
    if row.attachment_data is not None and row.attachment_name:
        maintype, _, subtype = (row.attachment_type or "application/octet-stream").partition("/")
        message.add_attachment(
            row.attachment_data, maintype=maintype, subtype=subtype, filename=row.attachment_name
        )
    return message


class MailWorker:
    def __init__(
        self,
        db: Database,
        settings: ServiceSettings,
        sender: MailSender,
        model: type[MailMessageMixin],
    ) -> None:
        self.db, self.settings, self.sender, self.model = db, settings, sender, model

    async def run(self) -> None:
        poll = self.settings.mail_poll_interval_s
        # After a failure: twice the poll interval, doubling up to the maximum, jittered.
        delays = backoff_delays(2 * poll, self.settings.mail_backoff_max_s)
        while True:
            stop_if_cancelled()
            try:
                failed = await self.deliver_pending()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: try again later
                log.warning("mail worker failed", extra={"error": repr(exc)})
                failed = True
            if not failed:
                delays.reset()
            await asyncio.sleep(next(delays) if failed else poll)

    async def claim(self, row_id: int, now: datetime) -> bool:
        """Take the lease on one unsent mail; False when another worker holds it or sent it."""
        model = self.model
        lease = timedelta(seconds=self.settings.smtp_timeout_s * 2 + 30)
        async with self.db.transaction() as session:
            result = await session.execute(
                update(model)
                .where(
                    model.id == row_id,
                    model.sent_at.is_(None),
                    or_(model.claimed_until.is_(None), model.claimed_until < now),
                )
                .values(claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def deliver_pending(self) -> bool:
        """Send one batch; True when a delivery failed (so the caller backs off)."""
        model = self.model
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            rows = (
                await session.scalars(
                    select(model)
                    .where(
                        model.sent_at.is_(None),
                        model.attempts < self.settings.mail_max_attempts,
                        or_(model.claimed_until.is_(None), model.claimed_until < now),
                    )
                    .order_by(model.id)
                    .limit(BATCH)
                )
            ).all()
        failed = False
        for row in rows:
            if not await self.claim(row.id, datetime.now(UTC)):
                continue
            error: str | None = None
            try:
                await self.sender.send(
                    build(row, self.settings.mail_from, self.settings.service_name)
                )
            except Exception as exc:  # the mail server is away: keep the row, retry later
                error = repr(exc)[:2000]
                failed = True
                log.warning("mail delivery failed", extra={"mail_id": row.id, "error": error})
            async with self.db.transaction() as session:
                stored = await session.get(model, row.id)
                if stored is not None:
                    stored.attempts += 1
                    stored.last_error = error
                    stored.sent_at = None if error else datetime.now(UTC)
                    stored.claimed_until = None
            if failed:
                break
        return failed


def mail_worker(
    model: type[MailMessageMixin],
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan resource that runs the worker for `model` while the app runs.

    A test may put its own sender on `app.state.mail_sender`.
    """

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        settings: ServiceSettings = app.state.settings
        sender: MailSender = getattr(app.state, "mail_sender", None) or sender_for(settings)
        worker = MailWorker(app.state.db, settings, sender, model)
        async with running_task(worker.run(), "mail-worker"):
            yield

    return resource
