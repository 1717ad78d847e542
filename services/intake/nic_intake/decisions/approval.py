"""Approval by a second officer (four-eyes); then the letter, the mail and FundingDecided."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.decisions import sending
from nic_intake.decisions.service import current, locked_call, refused
from nic_intake.domain import decisions as rules
from nic_intake.domain.decisions import DecisionRuleBroken, Outcome
from nic_intake.models import Application, Call, Decision, DecisionAudit, DecisionVersion
from nic_shared.auth import Principal
from nic_shared.problems import Conflict, NotFound


async def approve(
    session: AsyncSession,
    *,
    officer: Principal,
    decision_id: uuid.UUID,
    version: int,
    now: datetime,
    acceptance_days: int,
) -> tuple[Decision, DecisionVersion]:
    """The second officer's approval; then the letter, the mail and FundingDecided go out."""
    decision = await session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id}", detail_nb=f"finner ingen vedtak {decision_id}")
    call = await locked_call(session, decision.call_id)
    await session.refresh(decision)
    if version != decision.current_version:
        raise Conflict(
            f"version {version} is not the current version {decision.current_version}",
            detail_nb=f"versjon {version} er ikke gjeldende versjon {decision.current_version}",
            slug="decision-version-stale",
            rule="approve_current_version",
        )
    ver = await current(session, decision)
    if ver.approved_by is not None:
        raise Conflict(
            "this version is already approved",
            detail_nb="denne versjonen er allerede godkjent",
            slug="decision-approved",
            rule="approve_once",
        )
    try:
        rules.check_four_eyes(created_by=ver.created_by, approver=officer.subject)
    except DecisionRuleBroken as exc:
        raise refused(exc, status=Conflict) from exc
    app = await session.get(Application, decision.application_id)
    assert app is not None
    await _approve_and_send(
        session, app, call, decision, ver, officer.subject, now, acceptance_days
    )
    return decision, ver


async def _approve_and_send(
    session: AsyncSession,
    app: Application,
    call: Call,
    decision: Decision,
    ver: DecisionVersion,
    approver: str,
    now: datetime,
    acceptance_days: int,
) -> None:
    ver.approved_by = approver
    ver.approved_at = now
    if ver.outcome == Outcome.GRANTED.value and ver.acceptance_deadline is None:
        ver.acceptance_deadline = rules.acceptance_deadline(now, acceptance_days)
    session.add(
        DecisionAudit(
            decision_id=decision.id,
            version=ver.version,
            action="approved",
            actor=approver,
            at=now,
            details={},
        )
    )
    await sending.send(session, app=app, call=call, decision=decision, ver=ver, now=now)


async def approve_all(
    session: AsyncSession, *, officer: Principal, call_id: uuid.UUID, now: datetime, days: int
) -> list[tuple[Decision, DecisionVersion]]:
    """Approve every draft of the call that another officer made (four-eyes per decision)."""
    await locked_call(session, call_id)
    approved = []
    for decision in (
        await session.scalars(select(Decision).where(Decision.call_id == call_id))
    ).all():
        ver = await current(session, decision)
        if ver.approved_by is None:
            approved.append(
                await approve(
                    session,
                    officer=officer,
                    decision_id=decision.id,
                    version=ver.version,
                    now=now,
                    acceptance_days=days,
                )
            )
    return approved
