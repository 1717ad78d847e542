"""Publishing a call's granted list: a snapshot an officer chose to make public.

Only grants that were sent and not declined or lapsed are listed; a later republish
replaces the snapshot (after a reserve was promoted, say). Nothing else is public.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.decisions.sending import applicant_name
from nic_intake.decisions.service import answer_of, current, locked_call
from nic_intake.domain.decisions import Answer, Outcome
from nic_intake.models import Application, Call, Decision, PublishedResults
from nic_intake.results.schemas import PublishedResultsOut, ResultEntry
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound


async def publish(
    session: AsyncSession, *, officer: Principal, call_id: uuid.UUID, now: datetime
) -> PublishedResultsOut:
    call = await locked_call(session, call_id)
    items: list[dict[str, object]] = []
    for decision in (
        await session.scalars(
            select(Decision)
            .where(Decision.call_id == call_id)
            .order_by(Decision.rank.is_(None), Decision.rank, Decision.id)
        )
    ).all():
        ver = await current(session, decision)
        answered = await answer_of(session, decision)
        if ver.outcome != Outcome.GRANTED.value or ver.approved_at is None:
            continue
        if answered is not None and answered.answer != Answer.ACCEPTED.value:
            continue
        app = await session.get(Application, decision.application_id)
        assert app is not None
        items.append(
            {
                "project_title": str(app.content.get("title") or ""),
                "owner": applicant_name(app),
                "amount_nok": ver.amount_nok,
            }
        )
    if not items:
        raise Conflict(
            "the call has no sent grants to publish",
            detail_nb="utlysningen har ingen sendte tilsagn å publisere",
            slug="nothing-to-publish",
        )
    row = await session.get(PublishedResults, call_id)
    if row is None:
        row = PublishedResults(
            call_id=call_id, entries=items, published_by=officer.subject, published_at=now
        )
        session.add(row)
    else:
        row.entries, row.published_by, row.published_at = items, officer.subject, now
    await session.flush()
    return to_out(row, call)


async def published(session: AsyncSession, call_id: uuid.UUID) -> PublishedResultsOut:
    row = await session.get(PublishedResults, call_id)
    call = await session.get(Call, call_id)
    if row is None or call is None:
        raise NotFound(
            f"no published results for call {call_id}",
            detail_nb=f"ingen publiserte resultater for utlysningen {call_id}",
        )
    return to_out(row, call)


def to_out(row: PublishedResults, call: Call) -> PublishedResultsOut:
    return PublishedResultsOut(
        call_id=row.call_id,
        call_code=call.code,
        published_at=row.published_at,
        items=[ResultEntry(**e) for e in row.entries],
    )
