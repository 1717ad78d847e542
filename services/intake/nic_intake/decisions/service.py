"""Decisions from the latest published ranking: drafted by one officer, approved by another.

Every change to a decision is a new version and an audit row. The call row is locked while
amounts are checked against its frame, so two officers (or two instances) cannot together
grant more than the frame.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.access import not_found
from nic_intake.decisions.grounds import (
    INELIGIBLE,
    bulk_outcome,
    default_reasons,
    ineligible_reasons,
    recommended_amount,
)
from nic_intake.decisions.schemas import DecisionIn
from nic_intake.domain import decisions as rules
from nic_intake.domain.decisions import Answer, DecisionRuleBroken, Outcome
from nic_intake.models import (
    Application,
    Call,
    Decision,
    DecisionAcceptance,
    DecisionAudit,
    DecisionVersion,
    Ranking,
    RankingEntry,
)
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound, Problem, UnprocessableContent

POLICY = "policy:reserve-promotion"


def refused(exc: DecisionRuleBroken, *, status: type[Problem] = UnprocessableContent) -> Problem:
    """A broken rule as an RFC 9457 problem naming the field and the rule."""
    slug = exc.rule.replace("_", "-")
    if status is Conflict:
        return Conflict(exc.message_en, detail_nb=exc.message_nb, slug=slug, rule=exc.rule)
    return UnprocessableContent(
        exc.message_en,
        detail_nb=exc.message_nb,
        slug=slug,
        errors=[{"pointer": f"#/{exc.field}", "rule": exc.rule, "detail": exc.message_en}],
    )


async def locked_call(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = (
        await session.scalars(select(Call).where(Call.id == call_id).with_for_update())
    ).one_or_none()
    if call is None:
        raise NotFound(f"no call {call_id}", detail_nb=f"finner ingen utlysning {call_id}")
    return call


async def latest_ranking(session: AsyncSession, call_id: uuid.UUID) -> Ranking | None:
    return (
        await session.scalars(
            select(Ranking)
            .where(Ranking.call_id == call_id)
            .order_by(Ranking.ranking_version.desc())
            .limit(1)
        )
    ).first()


async def current(session: AsyncSession, decision: Decision) -> DecisionVersion:
    ver = await session.get(DecisionVersion, (decision.id, decision.current_version))
    assert ver is not None
    return ver


async def answer_of(
    session: AsyncSession, decision: Decision, version: int | None = None
) -> DecisionAcceptance | None:
    """The answer to one version (default: the current one)."""
    return (
        await session.scalars(
            select(DecisionAcceptance).where(
                DecisionAcceptance.decision_id == decision.id,
                DecisionAcceptance.version == (version or decision.current_version),
            )
        )
    ).one_or_none()


async def latest_sent(session: AsyncSession, decision: Decision) -> DecisionVersion | None:
    """The newest approved version: what the applicant has been told (a newer draft is not)."""
    return (
        await session.scalars(
            select(DecisionVersion)
            .where(
                DecisionVersion.decision_id == decision.id,
                DecisionVersion.approved_at.is_not(None),
            )
            .order_by(DecisionVersion.version.desc())
            .limit(1)
        )
    ).first()


async def committed(
    session: AsyncSession, call_id: uuid.UUID, *, except_decision: uuid.UUID | None = None
) -> int:
    """Granted amounts of the call's current versions that were not declined or lapsed."""
    query = (
        select(func.coalesce(func.sum(DecisionVersion.amount_nok), 0))
        .join(
            Decision,
            (Decision.id == DecisionVersion.decision_id)
            & (Decision.current_version == DecisionVersion.version),
        )
        .outerjoin(
            DecisionAcceptance,
            (DecisionAcceptance.decision_id == DecisionVersion.decision_id)
            & (DecisionAcceptance.version == DecisionVersion.version),
        )
        .where(
            Decision.call_id == call_id,
            DecisionVersion.outcome == Outcome.GRANTED.value,
            (DecisionAcceptance.answer.is_(None))
            | (DecisionAcceptance.answer == Answer.ACCEPTED.value),
        )
    )
    if except_decision is not None:
        query = query.where(Decision.id != except_decision)
    return int((await session.scalars(query)).one())


@dataclass
class Draft:
    outcome: Outcome
    amount_nok: int | None
    amount_reason: str | None
    reasons: list[dict[str, str]]
    acceptance_deadline: datetime | None = None


async def _draft_one(
    session: AsyncSession,
    *,
    officer: Principal,
    call: Call,
    ranking: Ranking,
    app: Application,
    draft: Draft,
    now: datetime,
) -> tuple[Decision, DecisionVersion]:
    line = await session.get(RankingEntry, (call.id, ranking.ranking_version, app.id))
    if line is None and app.stage == INELIGIBLE and draft.outcome is Outcome.REJECTED:
        # not ranked because eligibility failed it: rejected on the failed rules
        line = RankingEntry(
            call_id=call.id,
            ranking_version=ranking.ranking_version,
            application_id=app.id,
            outcome=INELIGIBLE,
        )
        draft.reasons = draft.reasons or await ineligible_reasons(session, app.id)
    if line is None:
        raise UnprocessableContent(
            f"application {app.id} is not in ranking version {ranking.ranking_version}",
            detail_nb=f"søknaden {app.id} er ikke med i rangeringen (versjon "
            f"{ranking.ranking_version})",
            slug="not-in-ranking",
            errors=[{"parameter": "application_id", "rule": "in_latest_ranking"}],
        )
    decision = (
        await session.scalars(select(Decision).where(Decision.application_id == app.id))
    ).one_or_none()
    amount = draft.amount_nok
    if amount is None:
        amount = recommended_amount(line) if draft.outcome is Outcome.GRANTED else 0
    elsewhere = await committed(session, call.id, except_decision=decision.id if decision else None)
    try:
        rules.check_amount(
            outcome=draft.outcome,
            amount_nok=amount,
            recommended_nok=recommended_amount(line),
            amount_reason=draft.amount_reason,
            committed_elsewhere_nok=elsewhere,
            frame_nok=call.budget_frame_nok,
        )
    except DecisionRuleBroken as exc:
        raise refused(exc) from exc
    if decision is None:
        decision = Decision(
            id=uuid.uuid4(), application_id=app.id, call_id=call.id, current_version=1
        )
        session.add(decision)
    else:
        decision.current_version += 1
    decision.rank = line.rank
    ver = DecisionVersion(
        decision_id=decision.id,
        version=decision.current_version,
        outcome=draft.outcome.value,
        amount_nok=amount,
        amount_reason=draft.amount_reason,
        reasons=draft.reasons or default_reasons(line, draft.outcome),
        ranking_version=ranking.ranking_version,
        created_by=officer.subject,
        created_at=now,
        acceptance_deadline=draft.acceptance_deadline,
    )
    session.add(ver)
    session.add(
        DecisionAudit(
            decision_id=decision.id,
            version=ver.version,
            action="drafted",
            actor=officer.subject,
            at=now,
            details={"outcome": ver.outcome, "amount_nok": amount},
        )
    )
    await session.flush()
    return decision, ver


async def _ranking_or_refuse(session: AsyncSession, call: Call) -> Ranking:
    ranking = await latest_ranking(session, call.id)
    if ranking is None:
        raise Conflict(
            "no ranking has been published for this call",
            detail_nb="ingen rangering er publisert for utlysningen",
            slug="no-ranking",
        )
    return ranking


async def draft_one(
    session: AsyncSession,
    *,
    officer: Principal,
    application_id: uuid.UUID,
    body: DecisionIn,
    now: datetime,
) -> tuple[Decision, DecisionVersion]:
    app = await session.get(Application, application_id)
    if app is None:
        raise not_found(application_id)
    call = await locked_call(session, app.call_id)
    ranking = await _ranking_or_refuse(session, call)
    draft = Draft(
        outcome=body.outcome,
        amount_nok=body.amount_nok,
        amount_reason=body.amount_reason,
        reasons=[r.model_dump() for r in body.reasons],
    )
    return await _draft_one(
        session, officer=officer, call=call, ranking=ranking, app=app, draft=draft, now=now
    )


async def draft_bulk(
    session: AsyncSession, *, officer: Principal, call_id: uuid.UUID, now: datetime
) -> list[tuple[Decision, DecisionVersion]]:
    """One draft per ranked application that has no decision yet, in ranking order."""
    call = await locked_call(session, call_id)
    ranking = await _ranking_or_refuse(session, call)
    lines = (
        await session.scalars(
            select(RankingEntry)
            .where(
                RankingEntry.call_id == call_id,
                RankingEntry.ranking_version == ranking.ranking_version,
            )
            .order_by(RankingEntry.rank.is_(None), RankingEntry.rank)
        )
    ).all()
    decided = set(
        await session.scalars(select(Decision.application_id).where(Decision.call_id == call_id))
    )
    ineligible = (
        await session.scalars(
            select(Application)
            .where(Application.call_id == call_id, Application.stage == INELIGIBLE)
            .order_by(Application.submitted_at, Application.id)
        )
    ).all()
    made = []
    for app in ineligible:
        if app.id not in decided:
            draft = Draft(outcome=Outcome.REJECTED, amount_nok=None, amount_reason=None, reasons=[])
            made.append(
                await _draft_one(
                    session,
                    officer=officer,
                    call=call,
                    ranking=ranking,
                    app=app,
                    draft=draft,
                    now=now,
                )
            )
    for line in lines:
        if line.application_id in decided:
            continue
        ranked = await session.get(Application, line.application_id)
        if ranked is None:
            continue
        outcome = bulk_outcome(line)
        draft = Draft(outcome=outcome, amount_nok=None, amount_reason=None, reasons=[])
        made.append(
            await _draft_one(
                session,
                officer=officer,
                call=call,
                ranking=ranking,
                app=ranked,
                draft=draft,
                now=now,
            )
        )
    return made
