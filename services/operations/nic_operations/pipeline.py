"""Operations' own consumer: the per-call pipeline projection and the webhook queue.

Operations reads every topic in its own consumer group (`nic-operations`), never the
services' groups. Each event, in one transaction with its inbox row: the application's
step in `pipeline_applications` is stamped, and a webhook delivery is queued for every
subscription that wants it. Ranking publications and stale marks update the call's row in
`call_rankings` (see `rankings`), shown with the counts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_operations import rankings, webhooks
from nic_operations.models import pipeline
from nic_shared.consumer import Subscription
from nic_shared.db import notify_commit
from nic_shared.events import CATALOGUE, CloudEvent, EventPayload
from nic_shared.events.eligibility import EligibilityAssessed, EligibilityOverridden
from nic_shared.events.intake import ApplicationSubmitted, ApplicationWithdrawn
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
    await rankings.record(session, payload)
    if await webhooks.enqueue(session, event):
        notify_commit(session)  # wakes the delivery worker once this commits


SUBSCRIPTIONS: list[Subscription[Any]] = [
    Subscription(model, handle) for model in CATALOGUE.values()
]


class CallCounts(BaseModel):
    call_id: str
    submitted: int
    assessed: int
    eligible: int
    scored: int
    recommended: int
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
            func.count(p.recommended_at),
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
            withdrawn=r[6],
            last_change=r[7].replace(tzinfo=UTC) if r[7] and r[7].tzinfo is None else r[7],
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
    return out
