"""A granted applicant accepts or declines; a decline or a lapse frees money for reserves.

Promotion is auto-approved by policy (ADR 0006): the order and the amounts were approved by
two officers when the reserve list was sent, so promoting the next reserve is their decision
carried out, not a new judgement. Lapsing is an explicit action (officer or worker) with the
injected clock; the call row lock and the unique answer per version keep it correct when two
instances run it at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import applicant_org, not_found
from nic_intake.decisions import sending
from nic_intake.decisions.service import (
    POLICY,
    answer_of,
    committed,
    current,
    locked_call,
    refused,
)
from nic_intake.domain import decisions as rules
from nic_intake.domain.decisions import Answer, DecisionRuleBroken, Outcome, Reserve
from nic_intake.models import (
    Application,
    Call,
    Decision,
    DecisionAcceptance,
    DecisionAudit,
    DecisionVersion,
    RankingEntry,
    StatusEntry,
)
from nic_shared.auth import Principal
from nic_shared.problems import Conflict

PROMOTED = {
    "nb": "Søknaden sto på reservelisten og får tilsagn fordi midler er blitt ledige.",
    "en": "The application was on the reserve list and is granted because funds became free.",
}


async def _record(
    session: AsyncSession, decision: Decision, answer: Answer, actor: str, now: datetime
) -> None:
    session.add(
        DecisionAcceptance(
            decision_id=decision.id,
            version=decision.current_version,
            answer=answer.value,
            answered_by=actor,
            answered_at=now,
        )
    )
    session.add(
        DecisionAudit(
            decision_id=decision.id,
            version=decision.current_version,
            action=answer.value,
            actor=actor,
            at=now,
            details={},
        )
    )
    session.add(
        StatusEntry(
            application_id=decision.application_id,
            kind=f"grant_{answer.value}",
            outcome=answer.value,
            details={"version": decision.current_version},
            occurred_at=now,
        )
    )
    await session.flush()


async def answer(
    session: AsyncSession,
    *,
    principal: Principal,
    application_id: uuid.UUID,
    accept: bool,
    now: datetime,
    acceptance_days: int,
) -> Decision:
    """The applicant's answer to its sent grant; a decline offers the money to reserves."""
    org = applicant_org(principal)
    app = await session.get(Application, application_id)
    if app is None or app.applicant_org_number != org:
        raise not_found(application_id)
    decision = (
        await session.scalars(select(Decision).where(Decision.application_id == application_id))
    ).one_or_none()
    if decision is None:
        raise not_found(application_id)
    call = await locked_call(session, decision.call_id)
    await session.refresh(decision)
    ver = await current(session, decision)
    if ver.approved_at is None:
        raise Conflict(
            "a new version of this decision is being prepared; answer it once it is sent",
            detail_nb="en ny versjon av vedtaket er under arbeid; svar når den er sendt",
            slug="decision-pending",
            rule="answer_sent_version",
        )
    try:
        rules.check_answer(
            outcome=Outcome(ver.outcome),
            answered=await answer_of(session, decision) is not None,
            deadline=ver.acceptance_deadline or now,
            now=now,
        )
    except DecisionRuleBroken as exc:
        raise refused(exc, status=Conflict) from exc
    await _record(
        session, decision, Answer.ACCEPTED if accept else Answer.DECLINED, principal.subject, now
    )
    if not accept:
        await promote(session, call=call, now=now, acceptance_days=acceptance_days)
    return decision


async def lapse(
    session: AsyncSession, *, actor: str, call_id: uuid.UUID, now: datetime, acceptance_days: int
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Grants past their acceptance deadline without an answer lapse; reserves move up."""
    call = await locked_call(session, call_id)
    lapsed = []
    for decision in (
        await session.scalars(select(Decision).where(Decision.call_id == call_id))
    ).all():
        ver = await current(session, decision)
        if (
            ver.outcome == Outcome.GRANTED.value
            and ver.approved_at is not None
            and ver.acceptance_deadline is not None
            and ver.acceptance_deadline < now
            and await answer_of(session, decision) is None
        ):
            await _record(session, decision, Answer.LAPSED, actor, now)
            lapsed.append(decision.application_id)
    promoted = await promote(session, call=call, now=now, acceptance_days=acceptance_days)
    return lapsed, promoted


async def promote(
    session: AsyncSession, *, call: Call, now: datetime, acceptance_days: int
) -> list[uuid.UUID]:
    """Sent reserves, in ranking order, get a new granted version while the frame allows."""
    reserves: list[Reserve] = []
    by_id: dict[uuid.UUID, tuple[Decision, DecisionVersion]] = {}
    for decision in (
        await session.scalars(select(Decision).where(Decision.call_id == call.id))
    ).all():
        ver = await current(session, decision)
        if ver.outcome != Outcome.RESERVE.value or ver.approved_at is None:
            continue
        line = await session.get(
            RankingEntry, (call.id, ver.ranking_version, decision.application_id)
        )
        amount = (line.requested_amount_nok if line else None) or 0
        if amount <= 0:
            # an unknown amount never fits, so it stops the list rather than being jumped
            amount = call.budget_frame_nok + 1
        reserves.append(
            Reserve(decision_id=decision.id, rank=decision.rank or 10**6, amount_nok=amount)
        )
        by_id[decision.id] = (decision, ver)
    available = call.budget_frame_nok - await committed(session, call.id)
    promoted = []
    for reserve in rules.promotions(reserves, available_nok=available):
        decision, old = by_id[reserve.decision_id]  # type: ignore[index]
        decision.current_version += 1
        ver = DecisionVersion(
            decision_id=decision.id,
            version=decision.current_version,
            outcome=Outcome.GRANTED.value,
            amount_nok=reserve.amount_nok,
            amount_reason=None,
            reasons=[PROMOTED],
            ranking_version=old.ranking_version,
            created_by=POLICY,
            created_at=now,
            approved_by=POLICY,
            approved_at=now,
            acceptance_deadline=rules.acceptance_deadline(now, acceptance_days),
        )
        session.add(ver)
        session.add(
            DecisionAudit(
                decision_id=decision.id,
                version=ver.version,
                action="promoted",
                actor=POLICY,
                at=now,
                details={"amount_nok": ver.amount_nok, "from_version": old.version},
            )
        )
        await session.flush()
        app = await session.get(Application, decision.application_id)
        assert app is not None
        await sending.send(session, app=app, call=call, decision=decision, ver=ver, now=now)
        promoted.append(decision.application_id)
    return promoted
