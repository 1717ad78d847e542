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
