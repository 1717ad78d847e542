"""The grounds a decision takes from the ranking, in both languages."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.domain.decisions import Outcome
from nic_intake.models import RankingEntry, StatusEntry

INELIGIBLE = "ineligible"


async def ineligible_reasons(
    session: AsyncSession, application_id: uuid.UUID
) -> list[dict[str, str]]:
    """The failed eligibility rules, in the rules' own words, from the latest assessment."""
    entry = (
        await session.scalars(
            select(StatusEntry)
            .where(
                StatusEntry.application_id == application_id,
                StatusEntry.kind == "eligibility_assessed",
            )
            .order_by(StatusEntry.occurred_at.desc(), StatusEntry.id.desc())
            .limit(1)
        )
    ).first()
    failed = (entry.details.get("failed_rules") or []) if entry else []
    reasons = [{"nb": r["message_nb"], "en": r["message_en"]} for r in failed]
    return reasons or [
        {
            "nb": "Søknaden oppfyller ikke utlysningens krav (formell vurdering).",
            "en": "The application does not meet the call's requirements (eligibility).",
        }
    ]


def recommended_amount(line: RankingEntry) -> int:
    if line.outcome == "recommended":
        if line.recommended_amount_nok is not None:
            return line.recommended_amount_nok
        return line.requested_amount_nok or 0
    return 0


def default_reasons(line: RankingEntry, outcome: Outcome) -> list[dict[str, str]]:
    """The grounds the ranking gives: its rank, the panel's assessment, a missed threshold."""
    rank = f"nr. {line.rank}" if line.rank is not None else None
    if outcome is Outcome.GRANTED:
        return [
            {
                "nb": f"Søknaden er innstilt til finansiering etter panelets vurdering ({rank}).",
                "en": f"The panel's assessment recommends the application for funding ({rank}).",
            }
        ]
    if outcome is Outcome.RESERVE:
        return [
            {
                "nb": f"Søknaden er rangert som {rank}, etter de innstilte; rammen er brukt opp.",
                "en": f"The application is ranked {rank}, after those recommended; the budget "
                "frame is used.",
            }
        ]
    if line.rank is None:
        return [
            {
                "nb": "Søknaden nådde ikke panelets terskel for kvalitet (panelets vurdering).",
                "en": "The application did not reach the panel's quality threshold "
                "(the panel's assessment).",
            }
        ]
    return [
        {
            "nb": f"Søknaden er rangert som {rank}, lavere enn det rammen gir rom for.",
            "en": f"The application is ranked {rank}, below what the budget frame allows.",
        }
    ]


def bulk_outcome(line: RankingEntry) -> Outcome:
    return {"recommended": Outcome.GRANTED, "reserve": Outcome.RESERVE}.get(
        line.outcome or "", Outcome.REJECTED
    )
