"""The mails to a cluster manager: what a forwarding did, and what the panel recommended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from nic_intake.domain.deadline import in_oslo

_OUTCOME = {
    "recommended": ("anbefalt", "recommended"),
    "reserve": ("på reserveliste", "on the reserve list"),
    "not_recommended": ("ikke anbefalt", "not recommended"),
    "not_ranked": ("ikke rangert", "not ranked"),
}


def forwarding_mail(
    *,
    name: str,
    call_code: str,
    forwarded: Sequence[tuple[int, str, str]],
    closed: Sequence[tuple[str, str]],
    at: datetime,
) -> tuple[str, str]:
    """Subject and body (nb, then en): forwarded (rank, id, title) and closed (id, title)."""
    oslo = in_oslo(at).strftime("%d.%m.%Y %H:%M %Z")
    sent = "\n".join(f"  {rank}. {title} ({ident})" for rank, ident, title in forwarded)
    shut = "\n".join(f"  - {title} ({ident})" for ident, title in closed) or "  -"
    subject = f"Klyngens prioritering mottatt / Cluster priority received ({call_code})"
    body = (
        f"Hei {name},\n\n"
        f"Klyngeprogrammet har mottatt klyngens prioritering til {call_code} ({oslo}).\n"
        f"Videresendt til vurderingspanelet, i klyngens rekkefølge:\n{sent}\n"
        f"Ikke videresendt (avsluttet, søkerne ser det i søknadsportalen):\n{shut}\n\n"
        f"Dere får melding når panelet har gitt sin anbefaling.\n\n---\n\n"
        f"Dear {name},\n\n"
        f"The programme has received the cluster's priority list for {call_code} ({oslo}).\n"
        f"Forwarded to the panel, in the cluster's order:\n{sent}\n"
        f"Not forwarded (closed; the applicants see it in the portal):\n{shut}\n\n"
        f"You will hear from us when the panel has made its recommendation.\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body


def outcome_mail(
    *, name: str, call_code: str, outcomes: Sequence[tuple[int, str, str, str]]
) -> tuple[str, str]:
    """Subject and body: the panel's outcome for each (rank, id, title, outcome) forwarded."""

    def lines(lang: int) -> str:
        return "\n".join(
            f"  {rank}. {title} ({ident}): {_OUTCOME.get(outcome, (outcome, outcome))[lang]}"
            for rank, ident, title, outcome in outcomes
        )

    subject = f"Panelets anbefaling / The panel's recommendation ({call_code})"
    body = (
        f"Hei {name},\n\n"
        f"Vurderingspanelet har gitt sin anbefaling for {call_code}. Klyngens forslag:\n"
        f"{lines(0)}\n\n"
        f"Bedriftene med anbefalte forslag kan nå sende formell søknad (trinn 2).\n\n---\n\n"
        f"Dear {name},\n\n"
        f"The panel has made its recommendation for {call_code}. The cluster's proposals:\n"
        f"{lines(1)}\n\n"
        f"The companies with recommended proposals may now file the formal application "
        f"(stage 2).\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body


def closed_mail(
    *, name: str, call_code: str, title: str, application_id: str, lapsed: bool
) -> tuple[str, str]:
    """Subject and body (nb, then en) to the applicant of a proposal the cluster did not
    forward: by forwarding others, or (``lapsed``) by forwarding none before its deadline."""
    why_nb = (
        "Klyngen sendte ingen forslag videre innen sin frist"
        if lapsed
        else "Klyngen har sendt andre forslag videre til programmet"
    )
    why_en = (
        "The cluster forwarded no proposals by its deadline"
        if lapsed
        else "The cluster has forwarded other proposals to the programme"
    )
    subject = f"Forslaget ble ikke videresendt / Proposal not forwarded ({call_code})"
    body = (
        f"Hei {name},\n\n"
        f"{why_nb}, så forslaget «{title}» ({application_id}) til {call_code} går ikke "
        f"videre til vurderingspanelet. Saken er avsluttet; status står i søknadsportalen.\n\n"
        f"---\n\n"
        f"Dear {name},\n\n"
        f'{why_en}, so the proposal "{title}" ({application_id}) to {call_code} does not '
        f"go on to the panel. It is closed; its status is shown in the portal.\n\n"
        f"Klyngeprogrammet / Norwegian Innovation Clusters\n"
    )
    return subject, body
