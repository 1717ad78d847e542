"""An approved decision version goes out: its letter (stored with its SHA-256), the mail
that carries it, FundingDecided and the applicant's timeline — all in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.domain.decisions import Outcome, appeal_deadline
from nic_intake.letters import render
from nic_intake.letters.texts import LetterFacts, mail
from nic_intake.models import (
    Application,
    Call,
    Decision,
    DecisionAudit,
    DecisionLetter,
    DecisionVersion,
    MailMessage,
    StatusEntry,
)
from nic_shared import outbox
from nic_shared.events.intake import AdmissionKind, DecisionOutcome, FundingDecided
from nic_shared.events.specs import Scheme
from nic_shared.mail import MailAttachment, enqueue

# Admission calls: a granted decision gives the cluster a level in the registry.
ADMISSIONS = {
    Scheme.ARENA.value: AdmissionKind.ARENA,
    Scheme.ARENA_PRO.value: AdmissionKind.ARENA_PRO,
}


def applicant_name(app: Application) -> str:
    for partner in app.content.get("partners") or []:
        if partner.get("org_number") == app.applicant_org_number:
            return str(partner.get("name"))
    return app.applicant_org_number


def facts(
    app: Application, call: Call, decision: Decision, ver: DecisionVersion, now: datetime
) -> LetterFacts:
    lang = app.language if app.language in ("nb", "en") else "nb"
    return LetterFacts(
        language=lang,
        outcome=ver.outcome,
        amount_nok=ver.amount_nok,
        title=str(app.content.get("title") or app.id),
        call_code=call.code,
        call_title=call.title_nb if lang == "nb" else call.title_en,
        applicant_name=applicant_name(app),
        applicant_org_number=app.applicant_org_number,
        application_id=str(app.id),
        decision_id=str(decision.id),
        decision_version=ver.version,
        aid_basis=app.content.get("aid_basis"),
        reasons=[r[lang] for r in ver.reasons],
        panel_feedback=app.panel_feedback,
        letter_at=now,
        appeal_deadline=appeal_deadline(now),
        acceptance_deadline=ver.acceptance_deadline,
    )


async def send(
    session: AsyncSession,
    *,
    app: Application,
    call: Call,
    decision: Decision,
    ver: DecisionVersion,
    now: datetime,
) -> DecisionLetter:
    """Letter, mail (once per decision version), event and timeline for an approved version."""
    letter_facts = facts(app, call, decision, ver, now)
    pdf = render.decision_letter(letter_facts)
    letter = DecisionLetter(
        decision_id=decision.id,
        version=ver.version,
        language=letter_facts.language,
        sha256=render.sha256(pdf),
        pdf=pdf,
        created_at=now,
    )
    session.add(letter)
    contact = (app.content.get("contact_person") or {}).get("email")
    if contact:
        subject, body = mail(letter_facts)
        await enqueue(
            session,
            MailMessage,
            recipient=str(contact),
            subject=subject,
            body=body,
            now=now,
            attachment=MailAttachment(
                filename=f"vedtak-{decision.id}-v{ver.version}.pdf",
                content_type="application/pdf",
                data=pdf,
            ),
            dedupe_key=f"decision:{decision.id}:v{ver.version}",
        )
    session.add(
        StatusEntry(
            application_id=app.id,
            kind="decided",
            outcome=ver.outcome,
            details={"version": ver.version, "amount_nok": ver.amount_nok},
            occurred_at=now,
        )
    )
    app.stage = ver.outcome
    session.add(
        DecisionAudit(
            decision_id=decision.id,
            version=ver.version,
            action="sent",
            actor=ver.approved_by or "",
            at=now,
            details={"letter_sha256": letter.sha256, "mailed_to_contact": bool(contact)},
        )
    )
    admission = ADMISSIONS.get(app.scheme)
    cluster = app.cluster_id or app.content.get("cluster_id")
    await session.flush()
    await outbox.record(
        session,
        FundingDecided(
            decision_id=decision.id,
            decision_version=ver.version,
            application_id=app.id,
            call_id=app.call_id,
            scheme=Scheme(app.scheme),
            applicant_org_number=app.applicant_org_number,
            cluster_id=cluster,
            outcome=DecisionOutcome(ver.outcome),
            amount_nok=ver.amount_nok if ver.outcome == Outcome.GRANTED.value else 0,
            admission=admission if cluster is not None else None,
            period_start=None,  # the registry starts the period on the decision's Oslo date
            decided_at=now,
        ),
    )
    return letter
