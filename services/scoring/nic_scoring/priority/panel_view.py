"""What the panel sees of stage 5: each cluster's forwarded proposals in the cluster's own
order, with the marks the cluster gave them (officers, the call's panel members, and a
cluster manager for their own cluster)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import decimal_marks, is_officer, marks_out, panel_of_call, scheme_for
from nic_scoring.domain.marks import InvalidMarksError, weighted_total
from nic_scoring.priority import schemas
from nic_shared.auth import Principal, Role
from nic_shared.events.specs import ScoringSchemeSpec
from nic_shared.problems import NotFound


async def _scope(session: AsyncSession, who: Principal, call_id: UUID) -> tuple[UUID | None, bool]:
    """(the one cluster the caller may see, or None for all; whether clusters are hidden)."""
    if is_officer(who):
        return None, False
    if who.has_role(Role.PANEL_MEMBER) and who.panel_member_id is not None:
        panel = await panel_of_call(session, call_id)
        member = None
        if panel is not None:
            member = await session.get(models.PanelMember, (panel.id, who.panel_member_id))
        if panel is not None and member is not None:
            return None, panel.blind
    if who.has_role(Role.CLUSTER_MANAGER) and who.cluster_id is not None:
        return who.cluster_id, False
    raise NotFound(f"no forwarded proposals of call {call_id} for you")


def total(scheme: ScoringSchemeSpec, marks: dict[str, Any]) -> Decimal | None:
    if not marks:
        return None
    try:
        return weighted_total(scheme, decimal_marks(marks))
    except InvalidMarksError:
        return None


async def forwarded(session: AsyncSession, who: Principal, call_id: UUID) -> schemas.ForwardedOut:
    only, blind = await _scope(session, who, call_id)
    _, scheme = await scheme_for(session, call_id)
    query = select(models.ForwardedProposal).where(models.ForwardedProposal.call_id == call_id)
    if only is not None:
        query = query.where(models.ForwardedProposal.cluster_id == only)
    rows = (await session.scalars(query)).all()
    by_cluster: dict[UUID, list[models.ForwardedProposal]] = {}
    for row in rows:
        by_cluster.setdefault(row.cluster_id, []).append(row)
    clusters = []
    for cluster_id, group in sorted(by_cluster.items(), key=lambda kv: kv[1][0].forwarded_at):
        sent = sorted((r for r in group if r.forwarded), key=lambda r: r.cluster_rank or 0)
        proposals = []
        for r in sent:
            app = await session.get(models.ScoringApplication, r.application_id)
            proposals.append(
                schemas.ForwardedProposalOut(
                    cluster_rank=r.cluster_rank or 0,
                    application_id=r.application_id,
                    title=app.title if app else None,
                    status=app.status if app else None,
                    weighted_total=total(scheme, r.marks),
                    marks=marks_out(scheme, r.marks),
                )
            )
        clusters.append(
            schemas.ClusterForwardingOut(
                cluster_id=None if blind else cluster_id,
                forwarded_at=group[0].forwarded_at,
                proposals=proposals,
                not_forwarded=sum(1 for r in group if not r.forwarded),
            )
        )
    return schemas.ForwardedOut(call_id=call_id, clusters=clusters)
