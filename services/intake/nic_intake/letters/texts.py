"""The words of a decision letter, in bokmål and English (the application's language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from nic_intake.domain.deadline import in_oslo

AID_BASIS = {
    "de_minimis": (
        "bagatellmessig støtte (de minimis), forordning (EU) 2023/2831",
        "de minimis aid, Regulation (EU) 2023/2831",
    ),
    "gber_25": (
        "gruppeunntaksforordningen (GBER) artikkel 25, forsknings- og utviklingsprosjekter",
        "GBER (Regulation (EU) 651/2014) Article 25, research and development projects",
    ),
    "gber_27": (
        "gruppeunntaksforordningen (GBER) artikkel 27, innovasjonsklynger",
        "GBER (Regulation (EU) 651/2014) Article 27, innovation clusters",
    ),
    "gber_29": (
        "gruppeunntaksforordningen (GBER) artikkel 29, prosess- og organisasjonsinnovasjon",
        "GBER (Regulation (EU) 651/2014) Article 29, process and organisational innovation",
    ),
    "gber_49": (
        "gruppeunntaksforordningen (GBER) artikkel 49, miljøstudier",
        "GBER (Regulation (EU) 651/2014) Article 49, environmental studies",
    ),
}


@dataclass(frozen=True)
class LetterFacts:
    """What a letter says; the service gathers it, the renderer lays it out."""

    language: str
    outcome: str
    amount_nok: int
    title: str
    call_code: str
    call_title: str
    applicant_name: str
    applicant_org_number: str
    application_id: str
    decision_id: str
    decision_version: int
    aid_basis: str | None
    reasons: list[str]
    panel_feedback: str | None
    letter_at: datetime
    appeal_deadline: date
    acceptance_deadline: datetime | None


def nok(amount: int) -> str:
    """Whole kroner with a thin grouping space: `NOK 1 200 000`."""
    return f"{amount:,}".replace(",", " ")


def heading(f: LetterFacts) -> str:
    nb = {"granted": "Vedtak om tilsagn", "rejected": "Vedtak om avslag", "reserve": "Reserveliste"}
    en = {
        "granted": "Decision: grant",
        "rejected": "Decision: rejection",
        "reserve": "Reserve list",
    }
    return (nb if f.language == "nb" else en)[f.outcome]


def paragraphs(f: LetterFacts) -> list[tuple[str, str]]:
    """(heading, text) pairs, in order; an empty heading is a plain paragraph."""
    return _nb(f) if f.language == "nb" else _en(f)


def _nb(f: LetterFacts) -> list[tuple[str, str]]:
    when = in_oslo(f.letter_at).strftime("%d.%m.%Y")
    out = [
        ("", f"Til {f.applicant_name} (org.nr. {f.applicant_org_number}), {when}"),
        ("", f"Søknad «{f.title}» til utlysningen {f.call_code} – {f.call_title}."),
    ]
    if f.outcome == "granted":
        out.append(("Vedtak", f"Dere får tilsagn om {nok(f.amount_nok)} kroner."))
        basis = AID_BASIS.get(f.aid_basis or "")
        out.append(("Støttegrunnlag", basis[0] if basis else "Ikke oppgitt i søknaden."))
        if f.acceptance_deadline is not None:
            end = in_oslo(f.acceptance_deadline).strftime("%d.%m.%Y kl. %H:%M")
            out.append(
                ("Svarfrist", f"Tilsagnet må aksepteres innen {end}, ellers faller det bort.")
            )
    elif f.outcome == "reserve":
        out.append(
            (
                "Vedtak",
                "Søknaden er satt på reservelisten. Dere får nytt vedtak om midler blir ledige.",
            )
        )
    else:
        out.append(("Vedtak", "Søknaden får avslag."))
    out.append(("Begrunnelse", "\n".join(f"– {r}" for r in f.reasons) or "–"))
    if f.panel_feedback:
        out.append(("Panelets kommentarer", f.panel_feedback))
    out.append(
        (
            "Klageadgang",
            "Dere kan klage på vedtaket etter forvaltningsloven § 28. Klagefristen er tre uker fra "
            f"dette brevet kom fram (forvaltningsloven § 29), senest {f.appeal_deadline:%d.%m.%Y}. "
            "Klagen sendes til Klyngeprogrammet, som sender den videre til klageinstansen om "
            "vedtaket ikke endres. Dere har rett til å se dokumentene i saken (§§ 18 og 19).",
        )
    )
    out.append(
        ("", f"Vedtak {f.decision_id}, versjon {f.decision_version}. Søknad {f.application_id}.")
    )
    return out


def _en(f: LetterFacts) -> list[tuple[str, str]]:
    when = in_oslo(f.letter_at).strftime("%d %B %Y")
    out = [
        ("", f"To {f.applicant_name} (org. no. {f.applicant_org_number}), {when}"),
        ("", f"Application '{f.title}' to the call {f.call_code} – {f.call_title}."),
    ]
    if f.outcome == "granted":
        out.append(("Decision", f"You are granted NOK {nok(f.amount_nok)}."))
        basis = AID_BASIS.get(f.aid_basis or "")
        out.append(("Aid basis", basis[1] if basis else "Not stated in the application."))
        if f.acceptance_deadline is not None:
            end = in_oslo(f.acceptance_deadline).strftime("%d %B %Y %H:%M (Oslo)")
            out.append(("Acceptance", f"Accept the grant by {end}, or it lapses."))
    elif f.outcome == "reserve":
        out.append(
            (
                "Decision",
                "The application is on the reserve list. You will receive a "
                "new decision if funds become available.",
            )
        )
    else:
        out.append(("Decision", "The application is rejected."))
    out.append(("Reasons", "\n".join(f"– {r}" for r in f.reasons) or "–"))
    if f.panel_feedback:
        out.append(("The panel's comments", f.panel_feedback))
    out.append(
        (
            "Appeal",
            "You may appeal this decision under the Public Administration Act (forvaltningsloven) "
            "§ 28. The time limit is three weeks from when this letter reached you (§ 29), at the "
            f"latest {f.appeal_deadline:%d %B %Y}. Send the appeal to Norwegian Innovation "
            "Clusters; if the decision is not changed, it goes on to the appeal body. You may see "
            "the documents of the case (§§ 18 and 19).",
        )
    )
    out.append(
        (
            "",
            f"Decision {f.decision_id}, version {f.decision_version}. "
            f"Application {f.application_id}.",
        )
    )
    return out


def mail(f: LetterFacts) -> tuple[str, str]:
    """Subject and body of the mail that carries the letter."""
    if f.language == "nb":
        return (
            f"{heading(f)}: {f.title} ({f.call_code})",
            f"Hei,\n\nVedlagt er vedtaksbrevet for søknaden «{f.title}» til {f.call_code}.\n"
            f"Klagefrist: {f.appeal_deadline:%d.%m.%Y}.\n\nKlyngeprogrammet\n",
        )
    return (
        f"{heading(f)}: {f.title} ({f.call_code})",
        f"Hello,\n\nAttached is the decision letter for the application '{f.title}' to "
        f"{f.call_code}.\nAppeal by: {f.appeal_deadline:%d %B %Y}.\n\n"
        "Norwegian Innovation Clusters\n",
    )
