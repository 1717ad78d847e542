"""Group commit: the submissions waiting are decided and written in one short transaction.

A deadline rush is many applicants submitting at once. Written one transaction each, every
submission costs a dozen statements, and on SQLite they queue behind one connection whose
transaction stays open across all of them. Here a request hands its submission to the
writer and waits; while one batch is in the database the next ones queue, and the writer
takes all that queued (up to `MAX_BATCH`) into one transaction: it reads what every one of
them is decided on with one query per table (`_load`), decides each in arrival order
(`service.decide`: the same checks and refusals as before, each request's own), then
inserts the rows of those accepted with one multi-row INSERT per table and commits. A
request is answered only after that commit, so a receipt still means its version, event,
mail and stored answer are all there; a refusal means nothing of it was written.

Idempotency-Keys are looked up first, as before (a retry after the deadline still gets its
original receipt); a key twice in one batch answers the second from the first. A batch
whose transaction fails on a constraint is done again one submission at a time, so one
failure is only that submission's; a database that is down or locked fails them all (503).

There is no background task: the first request that finds no writer running starts it (a
task of its own, so a client going away cannot cancel a batch half way) and it stops when
nothing is queued. Why this design: docs/adr/0012-submission-group-commit.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Call,
    MailMessage,
    StatusEntry,
)
from nic_intake.submission import service
from nic_intake.submission.limits import RECEIPT_KEY, WINDOW
from nic_intake.submission.rows import Loaded, Prepared, SubmitRequest
from nic_shared.db import Database, is_sqlite, notify_commit
from nic_shared.idempotency import StoredResponse
from nic_shared.messaging_tables import MessagingTables
from nic_shared.problems import Conflict

log = logging.getLogger(__name__)

MAX_BATCH = 64
VERSIONS = cast(Table, ApplicationVersion.__table__)
STATUS = cast(Table, StatusEntry.__table__)
MAILS = cast(Table, MailMessage.__table__)

Answer = Prepared | StoredResponse
"""A new receipt, or the stored answer its Idempotency-Key replays."""


@dataclass
class _Waiting:
    request: SubmitRequest
    done: asyncio.Future[Answer] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommit:
    """One per app: queues submissions and writes them in batches."""

    def __init__(self, db: Database, tables: MessagingTables) -> None:
        self.db = db
        self.tables = tables
        self._queue: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, request: SubmitRequest) -> Answer:
        """The submission's answer once the batch holding it committed; its refusal raised."""
        waiting = _Waiting(request)
        self._queue.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="submit-group-commit")
        return await waiting.done

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                await self._write(batch)
            except IntegrityError as exc:  # one row broke a constraint: find which
                if len(batch) == 1:
                    _settle(batch[0], exc)
                    continue
                log.warning("a batch of %d submissions failed; writing them one by one: %r",
                            len(batch), exc)  # fmt: skip
                for one in batch:
                    try:
                        await self._write([one])
                    except Exception as alone:  # that request's own error
                        _settle(one, alone)
            except Exception as exc:  # the database itself: every waiter's (503)
                for one in batch:
                    _settle(one, exc)

    async def _write(self, batch: list[_Waiting]) -> None:
        answers: list[Answer | BaseException] = []
        async with self.db.transaction() as session:
            stored = await self._stored(session, batch)
            loaded = await _load(session, batch, self.db)
            accepted: list[Prepared] = []
            for w in batch:
                r = w.request
                key = (r.remembered.scope, r.remembered.key)
                try:
                    found = stored.get(key)
                    if found is not None:
                        answers.append(_replay(found, r.remembered.body_hash))
                        continue
                    prepared = await service.decide(session, r, loaded)
                except Exception as exc:  # a refusal (a problem) or this one's own error
                    answers.append(exc)
                    continue
                accepted.append(prepared)
                answers.append(prepared)
                stored[key] = (r.remembered.body_hash, _stored_answer(prepared))
            if accepted:
                await self._insert(session, accepted)
                notify_commit(session)  # wake the outbox relay after the commit
        for w, answer in zip(batch, answers, strict=True):
            _settle(w, answer)

    async def _stored(
        self, session: AsyncSession, batch: list[_Waiting]
    ) -> dict[tuple[str, str], tuple[str, StoredResponse]]:
        """The batch's Idempotency-Keys already stored: (request hash, answer) each."""
        keys = self.tables.idempotency
        wanted = {(w.request.remembered.scope, w.request.remembered.key) for w in batch}
        # Two IN lists, not a row-value IN: SQLite searches the primary key only so.
        rows = await session.execute(
            select(
                keys.c.scope,
                keys.c.key,
                keys.c.request_hash,
                keys.c.status_code,
                keys.c.response_body,
                keys.c.response_headers,
            ).where(
                keys.c.scope.in_({s for s, _ in wanted}), keys.c.key.in_({k for _, k in wanted})
            )
        )
        return {
            (row.scope, row.key): (
                row.request_hash,
                StoredResponse(
                    row.status_code, json.loads(row.response_body), json.loads(row.response_headers)
                ),
            )
            for row in rows
            if (row.scope, row.key) in wanted
        }

    async def _insert(self, session: AsyncSession, accepted: list[Prepared]) -> None:
        await session.flush()  # the applications' new versions and etags
        await session.execute(insert(VERSIONS), [p.version for p in accepted])
        await session.execute(insert(STATUS), [p.status_entry for p in accepted])
        await session.execute(insert(self.tables.outbox), [p.event for p in accepted])
        mails = [p.mail for p in accepted if p.mail is not None]
        if mails:
            await session.execute(insert(MAILS), mails)
        await session.execute(insert(self.tables.idempotency), [p.idempotency for p in accepted])


async def _load(session: AsyncSession, batch: list[_Waiting], db: Database) -> Loaded:
    """Everything the batch is decided on, one query per table. PostgreSQL: the
    applications locked (in id order, as every instance takes them); SQLite: this process
    is the one writer and its transaction sees no one else's changes."""
    ids = sorted({w.request.application_id for w in batch})
    query = select(Application).where(Application.id.in_(ids)).order_by(Application.id)
    if not is_sqlite(db.url):
        query = query.with_for_update()
    apps = {a.id: a for a in (await session.scalars(query)).all()}
    call_ids = {a.call_id for a in apps.values()}
    calls = {c.id: c for c in (await session.scalars(select(Call).where(Call.id.in_(call_ids))))}
    attachments: dict[uuid.UUID, list[Attachment]] = {}
    for row in await session.scalars(
        select(Attachment)
        .where(Attachment.application_id.in_(ids), Attachment.info_request_id.is_(None))
        .order_by(Attachment.uploaded_at, Attachment.id)
    ):
        attachments.setdefault(row.application_id, []).append(row)
    since = min(w.request.now for w in batch) - WINDOW
    times: dict[uuid.UUID, list[datetime]] = {}
    for app_id, at in await session.execute(
        select(ApplicationVersion.application_id, ApplicationVersion.submitted_at)
        .where(ApplicationVersion.application_id.in_(ids), ApplicationVersion.submitted_at > since)
        .order_by(ApplicationVersion.submitted_at)
    ):
        times.setdefault(app_id, []).append(at)
    recipients = {_contact(a) for a in apps.values()} - {None}
    mails: dict[str, list[datetime]] = {r: [] for r in recipients if r is not None}
    if mails:
        for recipient, at in await session.execute(
            select(MailMessage.recipient, MailMessage.created_at).where(
                MailMessage.recipient.in_(mails),
                MailMessage.created_at > since,
                MailMessage.dedupe_key.startswith(RECEIPT_KEY, autoescape=True),
            )
        ):
            mails[recipient].append(at)
    return Loaded(apps, calls, attachments, times, mails)


def _contact(app: Application) -> str | None:
    person = app.content.get("contact_person") if isinstance(app.content, dict) else None
    email = person.get("email") if isinstance(person, dict) else None
    return email if isinstance(email, str) else None


def _stored_answer(prepared: Prepared) -> StoredResponse:
    return StoredResponse(
        201,
        json.loads(prepared.idempotency["response_body"]),
        {"Location": prepared.location},
    )


def _replay(found: tuple[str, StoredResponse], body_hash: str) -> StoredResponse:
    request_hash, answer = found
    if request_hash != body_hash:
        raise Conflict(
            "this Idempotency-Key was used with a different request body",
            detail_nb="denne Idempotency-Key ble brukt med et annet innhold",
            slug="idempotency-key-reused",
        )
    return answer


def _settle(waiting: _Waiting, result: Answer | BaseException) -> None:
    if waiting.done.done():
        return
    if isinstance(result, BaseException):
        waiting.done.set_exception(result)
    else:
        waiting.done.set_result(result)
