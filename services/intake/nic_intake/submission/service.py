"""Submit: deadline on the server's clock, completeness (all problems at once), a new
version with its receipt, ApplicationSubmitted and the confirmation mail. Decided here
(`decide`) inside the transaction `commit.py` writes a whole batch of submissions in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import may_write, not_found
from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.attachments.service import for_application, to_ref
from nic_intake.consortium.service import confirmation_problems
from nic_intake.domain.completeness import CompletenessRules, check_completeness
from nic_intake.domain.deadline import in_oslo, is_open
from nic_intake.domain.parts import CONFIRMATIONS
from nic_intake.domain.receipt import issue_receipt
from nic_intake.mail.texts import receipt_mail
from nic_intake.models import Application, Attachment, Call
from nic_intake.submission.limits import (
    WINDOW,
    count_submissions,
    mail_refusal,
    receipt_key,
    receipt_mail_refusal,
)
from nic_intake.submission.rows import Loaded, Prepared, SubmitRequest, mail_values, outbox_values
from nic_intake.submission.schemas import ReceiptMail, ReceiptOut
from nic_shared.events.intake import ApplicationContent, ApplicationSubmitted
from nic_shared.events.specs import Scheme
from nic_shared.http import require_if_match
from nic_shared.problems import Conflict, UnprocessableContent


def check_window(call: Call, now: datetime) -> None:
    """Open iff opens_at <= now < deadline; at the deadline itself it is too late."""
    if is_open(now, call.opens_at, call.deadline):
        return
    if now < call.opens_at:
        raise Conflict(
            f"call {call.code} opens at {call.opens_at.isoformat()}",
            detail_nb=f"utlysningen {call.code} åpner {in_oslo(call.opens_at).isoformat()}",
            slug="call-not-open",
        )
    raise Conflict(
        f"the deadline {in_oslo(call.deadline).isoformat()} has passed; received "
        f"{in_oslo(now).isoformat()}",
        detail_nb=f"søknadsfristen {in_oslo(call.deadline).isoformat()} er passert; mottatt "
        f"{in_oslo(now).isoformat()}",
        slug="deadline-passed",
        deadline=call.deadline.isoformat(),
        received_at=now.isoformat(),
    )


def rules_for(call: Call) -> CompletenessRules:
    objectives = call.rule_set.get("parameters", {}).get("objectives")
    allowed = frozenset(str(o) for o in objectives) if isinstance(objectives, list) else None
    return CompletenessRules(tuple(call.required_parts), allowed)


def incomplete(problems: list[dict[str, Any]]) -> UnprocessableContent:
    return UnprocessableContent(
        f"{len(problems)} part(s) of the application are missing or invalid",
        detail_nb=f"{len(problems)} del(er) av søknaden mangler eller er ugyldige",
        slug="application-incomplete",
        errors=problems,
    )


async def draft_problems(
    session: AsyncSession,
    app: Application,
    call: Call,
    *,
    allow_unscanned: bool,
    attachments: list[Attachment] | None = None,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The draft with its attachments (read here unless given), and every problem the
    submit would report: the same list a portal shows while drafting (GET of the
    application) and the submit's 422 gives. An attachment no virus scanner has passed is
    one, unless the setting allows it."""
    if attachments is None:
        attachments = await for_application(session, app.id)
    raw: dict[str, Any] = dict(app.content)
    raw["attachments"] = [to_ref(a).model_dump(mode="json") for a in attachments]
    report = check_completeness(raw, rules_for(call))
    problems = [
        {
            "pointer": "#" + p.pointer,
            "rule": p.rule,
            "detail": p.message.en,
            "detail_nb": p.message.nb,
        }
        for p in report.problems
    ]
    if CONFIRMATIONS in call.required_parts:
        problems += await confirmation_problems(session, app)
    if not allow_unscanned:
        problems += [
            {
                "pointer": f"#/attachments/{i}",
                "rule": "attachment-unscanned",
                "detail": f"{a.filename} has not been scanned for malware; scan it again "
                "(POST .../attachments/{id}/scan) or replace it",
                "detail_nb": f"{a.filename} er ikke virusskannet; skann på nytt eller bytt det ut",
            }
            for i, a in enumerate(attachments)
            if a.scan_status != "clean"
        ]
    return raw, problems


async def complete_content(
    session: AsyncSession,
    app: Application,
    call: Call,
    *,
    allow_unscanned: bool,
    attachments: list[Attachment] | None = None,
) -> ApplicationContent:
    """The draft with its attachments as submitted content, or 422 listing every problem."""
    raw, problems = await draft_problems(
        session, app, call, allow_unscanned=allow_unscanned, attachments=attachments
    )
    if problems:
        raise incomplete(problems)
    try:
        return ApplicationContent.model_validate(raw)
    except ValidationError as exc:  # completeness should have caught it; never a 500
        raise incomplete(
            [
                {
                    "pointer": "#/" + "/".join(str(t) for t in e["loc"]),
                    "rule": e["type"],
                    "detail": e["msg"],
                }
                for e in exc.errors(include_url=False)
            ]
        ) from exc


async def decide(session: AsyncSession, req: SubmitRequest, loaded: Loaded) -> Prepared:
    """One submission, decided inside the batch's transaction on what `loaded` holds: each
    refusal raised (in the order the API documents), else the rows that make it true. The
    application's own row is changed in memory (flushed with the batch), and `loaded` is
    updated, so a second submission in the same batch sees the first."""
    app = loaded.apps.get(req.application_id)
    if app is None or not may_write(req.principal, app):
        raise not_found(req.application_id)
    call = loaded.calls[app.call_id]
    if app.status == ApplicationStatus.WITHDRAWN.value:
        raise Conflict(
            "a withdrawn application cannot be submitted",
            detail_nb="en trukket søknad kan ikke sendes inn",
            slug="application-withdrawn",
        )
    now, limits = req.now, req.limits
    check_window(call, now)
    if req.body.etag is not None:
        require_if_match(req.body.etag, app.etag_version)
    content = await complete_content(
        session,
        app,
        call,
        allow_unscanned=limits.allow_unscanned_attachments,
        attachments=loaded.attachments.get(app.id, []),
    )
    times = loaded.times.setdefault(app.id, [])
    recent = count_submissions(times, now, limits)
    number = app.submitted_version + 1
    receipt = issue_receipt(
        application_id=app.id, call_id=call.id, version=number, content=content, received_at=now
    )
    mailed, mail_row = "no_contact", None
    if content.contact_person is not None:
        recipient = str(content.contact_person.email)
        sent = loaded.mails.get(recipient)
        if sent is None:  # an address the batch did not read (normalised differently)
            refused = await receipt_mail_refusal(session, app.id, recipient, recent, now, limits)
            sent = loaded.mails.setdefault(recipient, [])
        else:
            to_address = sum(1 for t in sent if t > now - WINDOW)
            refused = mail_refusal(app.id, recent, to_address, limits)
        mailed = "queued" if refused is None else f"rate_limited_{refused}"
        if refused is None:
            subject, text = receipt_mail(
                name=content.contact_person.name,
                title=content.title,
                call_code=call.code,
                application_id=str(app.id),
                version=number,
                received_at=now,
                content_sha256=receipt.content_sha256,
            )
            mail_row = mail_values(recipient, subject, text, now, receipt_key(app.id, number))
            sent.append(now)
    out = ReceiptOut(
        application_id=app.id,
        call_id=call.id,
        call_code=call.code,
        version=number,
        received_at_utc=receipt.received_at_utc,
        received_at_oslo=in_oslo(receipt.received_at_utc),
        content_sha256=receipt.content_sha256,
        receipt_mail=cast(ReceiptMail, mailed),
    )
    event, created = outbox_values(
        session,
        ApplicationSubmitted(
            application_id=app.id,
            call_id=call.id,
            scheme=Scheme(call.scheme),
            version=number,
            applicant_org_number=app.applicant_org_number,
            submitted_at=receipt.received_at_utc,
            content=content,
            content_sha256=receipt.content_sha256,
        ),
        req.traceparent,
    )
    times.append(receipt.received_at_utc)
    app.status = ApplicationStatus.SUBMITTED.value
    app.submitted_version = number
    app.submitted_at = receipt.received_at_utc
    app.etag_version += 1
    app.updated_at = now
    location = f"/v1/applications/{app.id}/receipts/{number}"
    return Prepared(
        receipt=out,
        location=location,
        version={
            "application_id": app.id,
            "version": number,
            "content": content.model_dump(mode="json"),
            "content_sha256": receipt.content_sha256,
            "submitted_at": receipt.received_at_utc,
            "submitted_by": req.principal.subject,
            "receipt_mail": mailed,
        },
        status_entry={
            "application_id": app.id,
            "kind": "submitted",
            "outcome": None,
            "details": {"version": number, "content_sha256": receipt.content_sha256},
            "occurred_at": now,
            "event_id": None,
        },
        event=event,
        created=created,
        mail=mail_row,
        idempotency=req.remembered.row(201, out.model_dump(mode="json"), {"Location": location}),
    )
