"""Operations' own consumer: the per-call pipeline projection and the webhook queue.

Operations reads every topic in its own consumer group (`nic-operations`), never the
services' groups. Each event, in one transaction with its inbox row: the application's
step in `pipeline_applications` is stamped, and a webhook delivery is queued for every
subscription that wants it. Ranking publications and stale marks update the call's row in
`call_rankings` (see `rankings`), shown with the counts; a published call's code and
titles go to `pipeline_calls`.

`recommended` counts the applications whose latest FundingRecommended says recommended;
reserve and not recommended are counted apart (a ranking of 11 recommended and 20 reserve
is 11 and 20, not 31).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_operations import rankings, webhooks
from nic_operations.models import calls, pipeline
from nic_shared.consumer import Subscription
from nic_shared.db import notify_commit
from nic_shared.events import CATALOGUE, CloudEvent, EventPayload
from nic_shared.events.eligibility import EligibilityAssessed, EligibilityOverridden
from nic_shared.events.intake import ApplicationSubmitted, ApplicationWithdrawn, CallPublished
from nic_shared.events.scoring import FundingRecommended, PanelScored


def _step(payload: EventPayload) -> dict[str, Any] | None:
    """The projection columns an event sets, or None for events that are no step."""
    match payload:
        case ApplicationSubmitted():
            return {
                "submitted_at": payload.submitted_at,
                "version": payload.version,
                "call_id": str(payload.call_id),
            }
        case EligibilityAssessed() | EligibilityOverridden():
            at = (
                payload.assessed_at
                if isinstance(payload, EligibilityAssessed)
                else payload.overridden_at
            )
            return {
                "assessed_at": at,
                "eligibility_outcome": payload.outcome.value,
                "call_id": str(payload.call_id),
            }
        case PanelScored():
            return {"scored_at": payload.scored_at, "call_id": str(payload.call_id)}
        case FundingRecommended():
            return {
                "recommended_at": payload.recommended_at,
                "funding_outcome": payload.outcome.value,
                "call_id": str(payload.call_id),
            }
        case ApplicationWithdrawn():
            return {"withdrawn_at": payload.withdrawn_at, "call_id": str(payload.call_id)}
    return None


async def handle(
    session: AsyncSession, payload: EventPayload, event: CloudEvent, _context: Any
) -> None:
    values = _step(payload)
    if values is not None:
        application_id = event.subject
        values["updated_at"] = datetime.now(UTC)
        exists = await session.scalar(
            select(pipeline.c.application_id).where(pipeline.c.application_id == application_id)
        )
        if exists is None:
            await session.execute(insert(pipeline).values(application_id=application_id, **values))
        else:
            await session.execute(
                update(pipeline).where(pipeline.c.application_id == application_id).values(**values)
            )
    if isinstance(payload, CallPublished):
        await _record_call(session, payload)
    await rankings.record(session, payload)
    if await webhooks.enqueue(session, event):
        notify_commit(session)  # wakes the delivery worker once this commits


async def _record_call(session: AsyncSession, payload: CallPublished) -> None:
    """The call's code and titles, as last published."""
    call_id = str(payload.call_id)
    values = {
        "code": payload.code,
        "title_nb": payload.title_nb,
        "title_en": payload.title_en,
        "updated_at": datetime.now(UTC),
    }
    exists = await session.scalar(select(calls.c.call_id).where(calls.c.call_id == call_id))
    if exists is None:
        await session.execute(insert(calls).values(call_id=call_id, **values))
    else:
        await session.execute(update(calls).where(calls.c.call_id == call_id).values(**values))


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(model, handle) for model in CATALOGUE.values()
]


class CallCounts(BaseModel):
    call_id: str
    call_code: str | None = None
    """The call's public code, once its CallPublished has been seen."""
    call_title_nb: str | None = None
    call_title_en: str | None = None
    submitted: int
    assessed: int
    eligible: int
    scored: int
    recommended: int
    """Applications whose latest funding recommendation is `recommended`."""
    reserve: int = 0
    not_recommended: int = 0
    withdrawn: int
    last_change: datetime | None
    ranking: rankings.RankingState | None = None
    """The latest published ranking and whether it is stale; None before any publication."""


async def counts(session: AsyncSession, call_id: str | None = None) -> list[CallCounts]:
    p = pipeline.c
    query = (
        select(
            p.call_id,
            func.count(p.submitted_at),
            func.count(p.assessed_at),
            func.count().filter(p.eligibility_outcome == "eligible"),
            func.count(p.scored_at),
            func.count().filter(p.funding_outcome == "recommended"),
            func.count().filter(p.funding_outcome == "reserve"),
            func.count().filter(p.funding_outcome == "not_recommended"),
            func.count(p.withdrawn_at),
            func.max(p.updated_at),
        )
        .where(p.call_id.is_not(None))
        .group_by(p.call_id)
        .order_by(func.max(p.updated_at).desc())
    )
    if call_id is not None:
        query = query.where(p.call_id == call_id)
    rows = (await session.execute(query)).all()
    out = [
        CallCounts(
            call_id=r[0],
            submitted=r[1],
            assessed=r[2],
            eligible=r[3],
            scored=r[4],
            recommended=r[5],
            reserve=r[6],
            not_recommended=r[7],
            withdrawn=r[8],
            last_change=r[9].replace(tzinfo=UTC) if r[9] and r[9].tzinfo is None else r[9],
        )
        for r in rows
    ]
    by_call = await rankings.states(session, None if call_id is None else [call_id])
    for row in out:
        known = by_call.pop(row.call_id, None)
        if known is not None:
            row.ranking = known.state
            if row.last_change is None or known.updated_at > row.last_change:
                row.last_change = known.updated_at
    for id_, known in by_call.items():  # a ranking seen before any of its applications
        out.append(
            CallCounts(
                call_id=id_,
                submitted=0,
                assessed=0,
                eligible=0,
                scored=0,
                recommended=0,
                withdrawn=0,
                last_change=known.updated_at,
                ranking=known.state,
            )
        )
    out.sort(key=lambda c: c.last_change or datetime.min.replace(tzinfo=UTC), reverse=True)
    named = await session.execute(
        select(calls.c.call_id, calls.c.code, calls.c.title_nb, calls.c.title_en).where(
            calls.c.call_id.in_([c.call_id for c in out])
        )
    )
    by_id = {c.call_id: c for c in out}
    for call_id, code, title_nb, title_en in named.all():
        row = by_id[call_id]
        row.call_code, row.call_title_nb, row.call_title_en = code, title_nb, title_en
    return out
