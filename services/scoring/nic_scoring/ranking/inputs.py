"""What a ranking is made from: the call's scheme and budget, and every scorable application
with its current final result, with a digest that says whether two sets of inputs are equal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import scheme_for
from nic_scoring.domain.ranking import Ranking, ScoredApplication, rank_applications
from nic_scoring.models import ApplicationStatus


@dataclass(frozen=True)
class Inputs:
    call: models.CallScheme
    ranking: Ranking
    unscored: list[UUID]
    sha256: str


async def current_inputs(session: AsyncSession, call_id: UUID) -> Inputs:
    call, scheme = await scheme_for(session, call_id)
    rows = (
        await session.execute(
            select(models.ScoringApplication, models.PanelResultRow)
            .outerjoin(
                models.PanelResultRow,
                models.PanelResultRow.application_id == models.ScoringApplication.id,
            )
            .where(
                models.ScoringApplication.call_id == call_id,
                models.ScoringApplication.status == ApplicationStatus.SCORABLE,
            )
        )
    ).all()
    scored = [
        ScoredApplication(
            application_id=app.id,
            marks={k: Decimal(v) for k, v in result.marks.items()},
            weighted_total=Decimal(result.weighted_total),
            requested_amount_nok=app.requested_amount_nok,
            submitted_at=app.submitted_at,
            title=app.title,
        )
        for app, result in rows
        if result is not None
    ]
    unscored = sorted((app.id for app, result in rows if result is None), key=str)
    ranking = rank_applications(scheme, scored, call.budget_frame_nok)
    return Inputs(call, ranking, unscored, _digest(call, scored))


def _digest(call: models.CallScheme, scored: list[ScoredApplication]) -> str:
    canonical = {
        "scheme": call.scoring_scheme,
        "budget_frame_nok": call.budget_frame_nok,
        "applications": sorted(
            [
                str(a.application_id),
                {k: str(v) for k, v in sorted(a.marks.items())},
                str(a.weighted_total),
                a.requested_amount_nok,
                a.submitted_at.isoformat(),
                a.title,
            ]
            for a in scored
        ),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def latest(session: AsyncSession, call_id: UUID) -> models.Ranking | None:
    return (
        await session.scalars(
            select(models.Ranking)
            .where(models.Ranking.call_id == call_id)
            .order_by(models.Ranking.version.desc())
            .limit(1)
        )
    ).one_or_none()
