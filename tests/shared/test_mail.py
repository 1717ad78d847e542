"""The shared mail path: a dedupe key queues a mail once; an attachment travels through a real
SMTP server; a service's outbox is delivered by the shared worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import DeclarativeBase

from nic_shared.db import Database, new_metadata
from nic_shared.mail import MailAttachment, MailMessageMixin, MailWorker, enqueue
from nic_shared.mail.worker import sender_for
from tests.shared.harness import HarnessSettings
from tests.support.smtp import smtp_server


class _Base(DeclarativeBase):
    metadata = new_metadata()


class Mail(MailMessageMixin, _Base):
    __tablename__ = "mail_outbox"


NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def _database(new_database) -> Database:
    db = Database(await new_database("mail"))
    async with db.engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    return db


async def _rows(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Mail)) or 0)


async def test_a_mail_with_a_dedupe_key_is_queued_once(new_database):
    db = await _database(new_database)
    try:
        queued = []
        for _ in range(2):  # e.g. a reminder worker that runs again after a restart
            async with db.transaction() as session:
                queued.append(
                    await enqueue(
                        session,
                        Mail,
                        recipient="kari@example.no",
                        subject="Påminnelse",
                        body="Husk vurderingen",
                        now=NOW,
                        dedupe_key="reminder:panel-1:member-1:3d",
                    )
                )
        assert queued == [True, False]
        assert await _rows(db) == 1
    finally:
        await db.dispose()


async def test_an_attachment_reaches_a_real_smtp_server(new_database):
    db = await _database(new_database)
    pdf = b"%PDF-1.4 test letter"
    try:
        with smtp_server() as (inbox, port):
            settings = HarnessSettings(
                database_url="sqlite://", mail_transport="smtp", smtp_port=port
            )
            async with db.transaction() as session:
                await enqueue(
                    session,
                    Mail,
                    recipient="kari@example.no",
                    subject="Vedtak",
                    body="Se vedlagt brev",
                    now=NOW,
                    attachment=MailAttachment("vedtak.pdf", "application/pdf", pdf),
                )
            worker = MailWorker(db, settings, sender_for(settings), Mail)
            assert await worker.deliver_pending() is False
            for _ in range(100):
                if inbox.messages:
                    break
                await asyncio.sleep(0.05)
        [(recipients, message)] = inbox.messages
        assert recipients == ["kari@example.no"]
        [part] = [p for p in message.walk() if p.get_filename() == "vedtak.pdf"]
        assert part.get_content_type() == "application/pdf"
        assert part.get_payload(decode=True) == pdf
        async with db.transaction() as session:
            assert await session.scalar(select(Mail.sent_at)) is not None
    finally:
        await db.dispose()
