"""Requests for information: an officer asks on a submitted application, with a due date;
the owner answers (text and files uploaded for the request); the officer closes it. After
the deadline this is the only way anything reaches the case, and each answer is kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import is_officer, may_write, not_found, readable, writable
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.attachments.service import to_ref
from nic_intake.domain.deadline import LocalTimeError, in_oslo, oslo_instant
from nic_intake.mail.texts import info_answer_mail, info_request_mail
from nic_intake.messages import schemas
from nic_intake.messages.models import CLOSED, OPEN, InfoAnswer, InfoRequest, open_request
from nic_intake.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Call,
    MailMessage,
    StatusEntry,
)
from nic_shared import mail
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, UnprocessableContent


def _invalid(pointer: str, rule: str, detail: str, detail_nb: str) -> UnprocessableContent:
    return UnprocessableContent(
        detail,
        detail_nb=detail_nb,
        errors=[{"pointer": pointer, "rule": rule, "detail": detail, "detail_nb": detail_nb}],
    )


async def _mail_contact(
    session: AsyncSession,
    app: Application,
    dedupe_key: str,
    now: datetime,
    text: Callable[[str, str, str], tuple[str, str]],
) -> None:
    """Mail the contact person of the latest submitted version (if it names one), once per
    `dedupe_key`; `text(name, title, call code)` gives the subject and body."""
    content = await session.scalar(
        select(ApplicationVersion.content)
        .where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.version.desc())
        .limit(1)
    )
    person = (content or {}).get("contact_person")
    if not person:
        return
    call = await session.get(Call, app.call_id)
    assert call is not None
    subject, body = text(person["name"], (content or {}).get("title", ""), call.code)
    await mail.enqueue(
        session,
        MailMessage,
        recipient=person["email"],
        subject=subject,
        body=body,
        now=now,
        dedupe_key=dedupe_key,
    )


def _timeline(app: Application, kind: str, details: dict[str, str], now: datetime) -> StatusEntry:
    return StatusEntry(
        application_id=app.id, kind=kind, outcome=None, details=details, occurred_at=now
    )


async def request_info(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    body: schemas.InfoRequestIn,
    now: datetime,
) -> schemas.InfoRequestOut:
    app = await readable(session, principal, application_id)
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict("the application is withdrawn", slug="application-withdrawn")
    if app.submitted_version == 0:
        raise Conflict(
            "only a submitted application can be asked for more information",
            detail_nb="bare en innsendt søknad kan få forespørsel om mer informasjon",
            slug="not-submitted",
        )
    try:
        due = oslo_instant(body.due_local.date(), body.due_local.time())
    except LocalTimeError as exc:
        raise _invalid(
            "#/due_local", "oslo-time", str(exc), "tidspunktet finnes ikke i Oslo"
        ) from exc
    if due <= now:
        raise _invalid(
            "#/due_local",
            "in-future",
            f"the due date {body.due_local.isoformat()} (Oslo) has passed",
            "svarfristen er passert",
        )
    row = InfoRequest(
        id=uuid.uuid4(),
        application_id=app.id,
        question=body.question,
        due_at=due,
        status=OPEN,
        requested_by=principal.subject,
        requested_at=now,
    )
    session.add(row)
    session.add(_timeline(app, "information_requested", {"request_id": str(row.id)}, now))
    await _mail_contact(
        session,
        app,
        f"info-request:{row.id}",
        now,
        lambda name, title, code: info_request_mail(
            name=name,
            title=title,
            call_code=code,
            application_id=str(app.id),
            question=body.question,
            due=due,
        ),
    )
    await session.flush()
    return _out(row, [], now)


async def answer(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    request_id: uuid.UUID,
    body: schemas.AnswerIn,
    now: datetime,
    allow_unscanned: bool,
) -> schemas.AnswerOut:
    app = await writable(session, principal, application_id)
    request = await open_request(session, app, request_id)
    files: list[Attachment] = []
    for i, attachment_id in enumerate(body.attachment_ids):
        row = await session.get(Attachment, attachment_id)
        if row is None or row.info_request_id != request.id:
            raise _invalid(
                f"#/attachment_ids/{i}",
                "request-attachment",
                f"{attachment_id} is not a file uploaded for this request",
                "vedlegget er ikke lastet opp til denne forespørselen",
            )
        if row.scan_status != "clean" and not allow_unscanned:
            raise _invalid(
                f"#/attachment_ids/{i}",
                "attachment-unscanned",
                f"{row.filename} has not been scanned for malware",
                f"{row.filename} er ikke virusskannet",
            )
        files.append(row)
    reply = InfoAnswer(
        id=uuid.uuid4(),
        request_id=request.id,
        text=body.text,
        attachments=[to_ref(f).model_dump(mode="json") for f in files],
        answered_by=principal.subject,
        answered_at=now,
    )
    session.add(reply)
    session.add(_timeline(app, "information_provided", {"request_id": str(request.id)}, now))
    await _mail_contact(
        session,
        app,
        f"info-answer:{reply.id}",
        now,
        lambda name, title, code: info_answer_mail(
            name=name, title=title, call_code=code, application_id=str(app.id), answered_at=now
        ),
    )
    await session.flush()
    return _answer_out(app.id, reply)


async def close(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    request_id: uuid.UUID,
    now: datetime,
) -> schemas.InfoRequestOut:
    app = await readable(session, principal, application_id)
    request = await open_request(session, app, request_id)
    request.status, request.closed_by, request.closed_at = CLOSED, principal.subject, now
    session.add(_timeline(app, "information_request_closed", {"request_id": str(request.id)}, now))
    await session.flush()
    return (await thread(session, principal, application_id, now, only=request.id)).items[0]


async def thread(
    session: AsyncSession,
    principal: Principal,
    application_id: uuid.UUID,
    now: datetime,
    only: uuid.UUID | None = None,
) -> schemas.InfoRequestList:
    """The application's requests with their answers: for officers and the owner only."""
    app = await readable(session, principal, application_id)
    if not (is_officer(principal) or may_write(principal, app)):
        raise not_found(application_id)
    query = select(InfoRequest).where(InfoRequest.application_id == app.id)
    if only is not None:
        query = query.where(InfoRequest.id == only)
    requests = list(await session.scalars(query.order_by(InfoRequest.requested_at)))
    answers = list(
        await session.scalars(
            select(InfoAnswer)
            .where(InfoAnswer.request_id.in_([r.id for r in requests]))
            .order_by(InfoAnswer.answered_at, InfoAnswer.id)
        )
    )
    return schemas.InfoRequestList(
        items=[
            _out(r, [_answer_out(app.id, a) for a in answers if a.request_id == r.id], now)
            for r in requests
        ]
    )


def _out(
    row: InfoRequest, answers: list[schemas.AnswerOut], now: datetime
) -> schemas.InfoRequestOut:
    return schemas.InfoRequestOut(
        id=row.id,
        application_id=row.application_id,
        question=row.question,
        due_at=row.due_at,
        due_at_oslo=in_oslo(row.due_at),
        overdue=row.status == OPEN and not answers and now >= row.due_at,
        status="open" if row.status == OPEN else "closed",
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        closed_at=row.closed_at,
        answers=answers,
    )


def _answer_out(application_id: uuid.UUID, row: InfoAnswer) -> schemas.AnswerOut:
    base = f"/v1/applications/{application_id}/attachments"
    return schemas.AnswerOut(
        id=row.id,
        text=row.text,
        attachments=[
            schemas.AnswerAttachment(
                attachment_id=a["attachment_id"],
                filename=a["filename"],
                content_type=a["content_type"],
                size_bytes=a["size_bytes"],
                sha256=a["sha256"],
                download_url=f"{base}/{a['attachment_id']}/content",
            )
            for a in row.attachments
        ],
        answered_by=row.answered_by,
        answered_at=row.answered_at,
    )
