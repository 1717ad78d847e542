"""A published ranking checked against today's facts, and the event once they contradict it.

Read time: `facts_for` compares a version with the current inputs; it is stale exactly when
the digests differ (as the preview's `latest_is_current` says), with the reasons.
Write time: whatever changes the inputs (a result stored or voided, an application set
aside by a withdrawal, a conflict or its eligibility, the call's budget) calls `announce`;
when the call's latest version has become stale for inputs not announced yet, it records
RankingStale once, so the ops page and subscribers know an officer must publish again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.domain.staleness import Standing, stale_facts, with_fallback
from nic_scoring.ranking.inputs import Inputs, current_inputs, latest
from nic_shared import outbox
from nic_shared.events.scoring import RankingEntry, RankingStale, StaleFact, StaleReason

TEXTS: dict[StaleReason, tuple[str, str]] = {
    StaleReason.WITHDRAWN: ("withdrawn after publication", "trukket etter publisering"),
    StaleReason.NO_LONGER_ELIGIBLE: (
        "no longer eligible after publication",
        "ikke lenger kvalifisert etter publisering",
    ),
    StaleReason.RESULT_VOIDED: (
        "its panel result was voided after publication",
        "panelresultatet ble annullert etter publisering",
    ),
    StaleReason.RESULT_CHANGED: (
        "its result or amount changed after publication",
        "resultatet eller beløpet ble endret etter publisering",
    ),
    StaleReason.NEWLY_SCORED: (
        "scored after publication, not in this ranking",
        "vurdert etter publisering, ikke med i rangeringen",
    ),
    StaleReason.BUDGET_CHANGED: (
        "the call's budget frame changed",
        "utlysningens budsjettramme ble endret",
    ),
    StaleReason.INPUTS_CHANGED: (
        "what the ranking is made from changed",
        "grunnlaget for rangeringen ble endret",
    ),
}


async def standings(session: AsyncSession, call_id: UUID) -> dict[UUID, Standing]:
    rows = (
        await session.execute(
            select(models.ScoringApplication, models.PanelResultRow.weighted_total)
            .outerjoin(
                models.PanelResultRow,
                models.PanelResultRow.application_id == models.ScoringApplication.id,
            )
            .where(models.ScoringApplication.call_id == call_id)
        )
    ).all()
    return {
        app.id: Standing(
            status=app.status,
            weighted_total=None if total is None else Decimal(total),
            requested_amount_nok=app.requested_amount_nok,
        )
        for app, total in rows
    }


async def facts_for(
    session: AsyncSession, row: models.Ranking, inputs: Inputs | None = None
) -> list[StaleFact]:
    """Why this version no longer matches the facts; empty while it does."""
    inputs = inputs or await current_inputs(session, row.call_id)
    if inputs.sha256 == row.inputs_sha256:
        return []
    published = [RankingEntry.model_validate(e) for e in row.entries]
    today = await standings(session, row.call_id)
    return with_fallback(
        stale_facts(published, row.budget_frame_nok, today, inputs.call.budget_frame_nok)
    )


async def announce(session: AsyncSession, call_id: UUID, now: datetime) -> None:
    """RankingStale for the call's latest version, once per set of inputs that contradict it."""
    row = await latest(session, call_id)
    if row is None:
        return
    await session.flush()  # the change that called us is what the queries must see
    inputs = await current_inputs(session, call_id)
    if inputs.sha256 in (row.inputs_sha256, row.stale_announced_sha256):
        return
    facts = await facts_for(session, row, inputs)
    row.stale_announced_sha256 = inputs.sha256
    await outbox.record(
        session,
        RankingStale(call_id=call_id, ranking_version=row.version, reasons=facts, detected_at=now),
    )
