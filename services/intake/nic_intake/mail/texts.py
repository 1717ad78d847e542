"""The texts intake mails (queued through `nic_shared.mail.enqueue`)."""

from __future__ import annotations

from datetime import datetime

from nic_intake.domain.deadline import in_oslo


def receipt_mail(
    *,
    name: str,
    title: str,
    call_code: str,
    application_id: str,
    version: int,
    received_at: datetime,
    content_sha256: str,
) -> tuple[str, str]:
    """Subject and body (Norwegian, then English) of the confirmation of receipt."""
    oslo = in_oslo(received_at).strftime("%d.%m.%Y %H:%M:%S %Z")
    utc = received_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    subject = f"Kvittering: søknad mottatt / Receipt: application received ({call_code})"
    body = (
        f"Hei {name},\n\n"
        f"Vi har mottatt søknaden «{title}» til utlysningen {call_code}.\n"
        f"Søknad: {application_id}, versjon {version}\n"
        f"Mottatt: {oslo} ({utc})\n"
        f"Kontrollsum (SHA-256) av innholdet: {content_sha256}\n\n"
        f"---\n\n"
        f"Dear {name},\n\n"
        f"We have received the application '{title}' to the call {call_code}.\n"
        f"Application: {application_id}, version {version}\n"
        f"Received: {utc} ({oslo})\n"
        f"SHA-256 of the content: {content_sha256}\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body


def info_request_mail(
    *, name: str, title: str, call_code: str, application_id: str, question: str, due: datetime
) -> tuple[str, str]:
    """Subject and body (Norwegian, then English) of a request for more information."""
    oslo = in_oslo(due).strftime("%d.%m.%Y %H:%M %Z")
    subject = f"Forespørsel om mer informasjon / Request for information ({call_code})"
    body = (
        f"Hei {name},\n\n"
        f"Saksbehandleren ber om mer informasjon om søknaden «{title}» ({application_id}).\n"
        f"Svarfrist: {oslo}\n\n{question}\n\n"
        f"Svar i søknadsportalen.\n\n---\n\n"
        f"Dear {name},\n\n"
        f"The programme officer asks for more information on the application '{title}' "
        f"({application_id}).\nPlease answer by: {oslo}\n\n{question}\n\n"
        f"Answer in the application portal.\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body


def info_answer_mail(
    *, name: str, title: str, call_code: str, application_id: str, answered_at: datetime
) -> tuple[str, str]:
    """Subject and body of the confirmation that an answer was received."""
    oslo = in_oslo(answered_at).strftime("%d.%m.%Y %H:%M:%S %Z")
    subject = f"Svar mottatt / Answer received ({call_code})"
    body = (
        f"Hei {name},\n\nVi har mottatt svaret ditt om søknaden «{title}» ({application_id}), "
        f"{oslo}.\n\n---\n\nDear {name},\n\nWe have received your answer on the application "
        f"'{title}' ({application_id}), {oslo}.\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body
