"""Ranking a call and publishing the funding recommendation.

Inputs: the call's scheme and budget frame, and every scorable application with its current
final result. The same inputs always give the same ranking (the domain's order is total).

Recomputed when inputs change: `preview` always ranks the current inputs and says whether
the latest published version still matches them (by a SHA-256 of the inputs). Publishing
when the inputs changed creates the next version and publishes RankingPublished and one
FundingRecommended per application; publishing again on unchanged inputs returns the
latest version and publishes nothing. A withdrawal, a late conflict or a new result after
publication therefore shows as `latest_is_current: false` until an officer publishes again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.domain.ranking import Ranking
from nic_scoring.ranking import schemas, staleness
from nic_scoring.ranking.inputs import current_inputs, latest
from nic_shared import outbox
from nic_shared.auth import Principal
from nic_shared.events.scoring import (
    FundingOutcome,
    FundingRecommended,
    RankingEntry,
    RankingPublished,
    StaleFact,
)
from nic_shared.problems import Conflict, NotFound


def _entries(ranking: Ranking) -> list[schemas.EntryOut]:
    return [schemas.EntryOut.model_validate(e.model_dump()) for e in ranking.entries]


def reasons_out(facts: list[StaleFact]) -> list[schemas.StaleReasonOut]:
    return [
        schemas.StaleReasonOut(
            application_id=f.application_id,
            reason=f.reason,
            text=staleness.TEXTS[f.reason][0],
            text_nb=staleness.TEXTS[f.reason][1],
        )
        for f in facts
    ]


async def preview(session: AsyncSession, call_id: UUID) -> schemas.PreviewOut:
    inputs = await current_inputs(session, call_id)
    last = await latest(session, call_id)
    stale = await staleness.facts_for(session, last, inputs) if last else []
    return schemas.PreviewOut(
        call_id=call_id,
        budget_frame_nok=inputs.ranking.budget_frame_nok,
        recommended_total_nok=inputs.ranking.recommended_total_nok,
        unallocated_nok=inputs.ranking.unallocated_nok,
        entries=_entries(inputs.ranking),
        unscored=inputs.unscored,
        inputs_sha256=inputs.sha256,
        latest_version=last.version if last else None,
        latest_is_current=last is not None and last.inputs_sha256 == inputs.sha256,
        latest_stale_reasons=reasons_out(stale),
    )


async def publish(
    session: AsyncSession, principal: Principal, call_id: UUID, allow_unscored: bool, now: datetime
) -> tuple[models.Ranking, bool]:
    """The next version when the inputs changed (True), else the latest one (False)."""
    inputs = await current_inputs(session, call_id)
    if inputs.unscored and not allow_unscored:
        raise Conflict(
            f"{len(inputs.unscored)} eligible application(s) have no final result",
            slug="ranking-incomplete",
            detail_nb=f"{len(inputs.unscored)} søknad(er) mangler panelresultat",
            unscored=[str(a) for a in inputs.unscored],
        )
    if not inputs.ranking.entries:
        raise Conflict("no application of this call has a result", slug="ranking-incomplete")
    last = await latest(session, call_id)
    if last is not None and last.inputs_sha256 == inputs.sha256:
        return last, False
    version = (last.version if last else 0) + 1
    entries = list(inputs.ranking.entries)
    row = models.Ranking(
        id=uuid.uuid4(),
        call_id=call_id,
        version=version,
        inputs_sha256=inputs.sha256,
        budget_frame_nok=inputs.ranking.budget_frame_nok,
        recommended_total_nok=inputs.ranking.recommended_total_nok,
        entries=[e.model_dump(mode="json") for e in entries],
        published_by=principal.subject,
        published_at=now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # another officer published this version a moment ago
        raise Conflict(
            "another ranking of this call was published at the same moment; retry",
            detail_nb="en annen rangering av utlysningen ble publisert samtidig; prøv igjen",
            slug="concurrent-change",
            headers={"Retry-After": "1"},
        ) from exc
    await outbox.record(
        session,
        RankingPublished(
            call_id=call_id,
            ranking_version=version,
            budget_frame_nok=inputs.ranking.budget_frame_nok,
            recommended_total_nok=inputs.ranking.recommended_total_nok,
            entries=entries,
            published_at=now,
        ),
    )
    for entry in entries:
        funded = entry.outcome is FundingOutcome.RECOMMENDED
        await outbox.record(
            session,
            FundingRecommended(
                application_id=entry.application_id,
                call_id=call_id,
                ranking_version=version,
                outcome=entry.outcome,
                rank=entry.rank,
                recommended_amount_nok=entry.requested_amount_nok if funded else 0,
                recommended_at=now,
            ),
        )
    return row, True


async def get_version(session: AsyncSession, call_id: UUID, version: int | None) -> models.Ranking:
    if version is None:
        row = await latest(session, call_id)
    else:
        row = (
            await session.scalars(
                select(models.Ranking).where(
                    models.Ranking.call_id == call_id, models.Ranking.version == version
                )
            )
        ).one_or_none()
    if row is None:
        which = "ranking" if version is None else f"ranking version {version}"
        raise NotFound(f"no published {which} for call {call_id}")
    return row


def entries_of(row: models.Ranking) -> list[RankingEntry]:
    return [RankingEntry.model_validate(e) for e in row.entries]


async def ranking_out(session: AsyncSession, row: models.Ranking) -> schemas.RankingOut:
    stale = await staleness.facts_for(session, row)
    newest = await session.scalar(
        select(func.max(models.Ranking.version)).where(models.Ranking.call_id == row.call_id)
    )
    return schemas.RankingOut(
        call_id=row.call_id,
        version=row.version,
        budget_frame_nok=row.budget_frame_nok,
        recommended_total_nok=row.recommended_total_nok,
        entries=[schemas.EntryOut.model_validate(e.model_dump()) for e in entries_of(row)],
        inputs_sha256=row.inputs_sha256,
        published_at=row.published_at,
        latest=newest == row.version,
        stale=bool(stale),
        stale_reasons=reasons_out(stale),
    )
