"""Per call, the latest published ranking and whether later facts made it stale (issue 20).

Scoring publishes `RankingPublished` at each publication (a republication has a higher
version) and `RankingStale` when the latest published version no longer matches its facts
(a voided result, a withdrawal), with the reasons: application ids and reason codes, the
full set as of `detected_at`. The ops page shows the state until an officer republishes.

Events may arrive out of order across topics and partitions, so every change is decided by
version: a stale mark for a version older than the latest published one is ignored; a
publication clears only the stale marks of older versions; of two stale marks for one
version, the later-detected one holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_operations.models import call_rankings
from nic_shared.events import EventPayload
from nic_shared.events.scoring import RankingPublished, RankingStale


@dataclass(frozen=True)
class State:
    """One `call_rankings` row, without its call id and update time."""

    ranking_version: int | None = None
    ranking_published_at: datetime | None = None
    stale_version: int | None = None
    stale_reasons: list[dict[str, str | None]] | None = None
    stale_at: datetime | None = None


def applied(state: State, payload: RankingPublished | RankingStale) -> State:
    """The state after the event; the same state when the event is older than what it has."""
    if isinstance(payload, RankingPublished):
        version = payload.ranking_version
        if state.ranking_version is not None and version <= state.ranking_version:
            return state
        state = replace(state, ranking_version=version, ranking_published_at=payload.published_at)
        if state.stale_version is not None and state.stale_version < version:
            state = replace(state, stale_version=None, stale_reasons=None, stale_at=None)
        return state
    version = payload.ranking_version
    if state.ranking_version is not None and version < state.ranking_version:
        return state  # about a version already replaced by a newer publication
    if state.stale_version is not None and (
        version < state.stale_version
        or (
            version == state.stale_version
            and state.stale_at
            and payload.detected_at < state.stale_at
        )
    ):
        return state
    reasons = [
        {
            "application_id": None if f.application_id is None else str(f.application_id),
            "reason": f.reason.value,
        }
        for f in payload.reasons
    ]
    return replace(
        state, stale_version=version, stale_reasons=reasons, stale_at=payload.detected_at
    )


async def record(session: AsyncSession, payload: EventPayload) -> None:
    """Apply a RankingPublished or RankingStale to its call's row (other events: nothing)."""
    if not isinstance(payload, RankingPublished | RankingStale):
        return
    call_id = str(payload.call_id)
    c = call_rankings.c
    columns = (
        c.ranking_version,
        c.ranking_published_at,
        c.stale_version,
        c.stale_reasons,
        c.stale_at,
    )
    row = (await session.execute(select(*columns).where(c.call_id == call_id))).first()
    before = State() if row is None else State(*row)
    after = applied(before, payload)
    if row is not None and after == before:
        return
    values: dict[str, Any] = vars(after) | {"updated_at": datetime.now(UTC)}
    if row is None:
        await session.execute(insert(call_rankings).values(call_id=call_id, **values))
    else:
        await session.execute(update(call_rankings).where(c.call_id == call_id).values(**values))


class StaleReasonOut(BaseModel):
    application_id: str | None
    reason: str


class RankingState(BaseModel):
    """What the ops page shows of a call's ranking."""

    version: int | None
    published_at: datetime | None
    stale: bool
    stale_version: int | None
    stale_at: datetime | None
    reasons: list[StaleReasonOut]


@dataclass(frozen=True)
class CallRanking:
    state: RankingState
    updated_at: datetime


def _out(state: State) -> RankingState:
    # a stale mark for a version means that version was published, even when its
    # RankingPublished has not arrived yet
    known = [v for v in (state.ranking_version, state.stale_version) if v is not None]
    version = max(known) if known else None
    return RankingState(
        version=version,
        published_at=state.ranking_published_at if version == state.ranking_version else None,
        stale=state.stale_version is not None,
        stale_version=state.stale_version,
        stale_at=state.stale_at,
        reasons=[StaleReasonOut.model_validate(r) for r in state.stale_reasons or []],
    )


async def states(
    session: AsyncSession, call_ids: Iterable[str] | None = None
) -> dict[str, CallRanking]:
    """The ranking state of the given calls (all calls with one when None), by call id."""
    c = call_rankings.c
    query = select(
        c.call_id,
        c.ranking_version,
        c.ranking_published_at,
        c.stale_version,
        c.stale_reasons,
        c.stale_at,
        c.updated_at,
    )
    if call_ids is not None:
        query = query.where(c.call_id.in_(list(call_ids)))
    rows = (await session.execute(query)).all()
    return {r[0]: CallRanking(state=_out(State(*r[1:6])), updated_at=r[6]) for r in rows}
