"""Innovasjonsrammen steps 7-8 (ADR 0013): the formal application is an application in a
second-stage call (`follows_call_id`), and only for a recommended first-stage proposal.

Opening one names the proposal (`proposal_id`): the applicant's own, in the call the stage
follows, recommended in its latest published ranking (or granted by an approved decision),
and not followed already. The draft starts from the proposal's content when none is given;
from there the ordinary draft, submit and deadline of the second-stage call apply.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.models import (
    Application,
    Call,
    Decision,
    DecisionVersion,
    Ranking,
    RankingEntry,
)
from nic_intake.priority.problems import register
from nic_shared.problems import Conflict, UnprocessableContent

register()
POINTER = "#/proposal_id"
RECOMMENDED = "recommended"
GRANTED = "granted"


def _invalid(
    rule: str, detail: str, detail_nb: str, slug: str | None = None
) -> UnprocessableContent:
    return UnprocessableContent(
        detail,
        detail_nb=detail_nb,
        slug=slug,
        errors=[{"pointer": POINTER, "rule": rule, "detail": detail}],
    )


async def recommended(session: AsyncSession, proposal: Application) -> bool:
    """Recommended in the latest published ranking of its call, or granted and approved."""
    latest = await session.scalar(
        select(Ranking.ranking_version)
        .where(Ranking.call_id == proposal.call_id)
        .order_by(Ranking.ranking_version.desc())
        .limit(1)
    )
    if latest is not None:
        line = await session.get(RankingEntry, (proposal.call_id, latest, proposal.id))
        if line is not None and line.outcome == RECOMMENDED:
            return True
    decision = await session.scalar(select(Decision).where(Decision.application_id == proposal.id))
    if decision is None:
        return False
    version = await session.get(DecisionVersion, (decision.id, decision.current_version))
    return version is not None and version.outcome == GRANTED and version.approved_at is not None


async def followed_proposal(
    session: AsyncSession, call: Call, org: str, proposal_id: uuid.UUID | None
) -> Application | None:
    """The proposal a new application in ``call`` follows; None for a call of one stage."""
    if call.follows_call_id is None:
        if proposal_id is not None:
            raise _invalid(
                "no-first-stage",
                f"call {call.code} follows no other call: leave proposal_id out",
                f"utlysningen {call.code} følger ingen annen utlysning: utelat proposal_id",
            )
        return None
    if proposal_id is None:
        raise _invalid(
            "proposal-required",
            f"call {call.code} is the second stage: name the recommended proposal",
            f"utlysningen {call.code} er trinn 2: oppgi det anbefalte forslaget",
        )
    proposal = await session.get(Application, proposal_id)
    if (
        proposal is None
        or proposal.call_id != call.follows_call_id
        or proposal.applicant_org_number != org
    ):
        raise _invalid(
            "proposal-of-first-stage",
            "not a proposal of yours in the call this one follows",
            "ikke et av deres forslag i utlysningen denne følger",
        )
    if proposal.status != ApplicationStatus.SUBMITTED.value or not await recommended(
        session, proposal
    ):
        raise _invalid(
            RECOMMENDED,
            "only a proposal the panel recommended goes on to the formal application",
            "bare forslag panelet har anbefalt, går videre til formell søknad",
            slug="proposal-not-recommended",
        )
    taken = await session.scalar(
        select(Application.id).where(Application.proposal_id == proposal.id)
    )
    if taken is not None:
        raise Conflict(
            f"proposal {proposal.id} already has the application {taken}",
            detail_nb=f"forslaget {proposal.id} har allerede søknaden {taken}",
            slug="proposal-already-followed",
            application_id=str(taken),
            errors=[{"pointer": POINTER, "rule": "one-per-proposal", "detail": str(taken)}],
        )
    return proposal
