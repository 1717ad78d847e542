"""Innovasjonsrammen's stages on a call: the cluster stage (its own deadline) and the
second-stage call that follows a first-stage call (ADR 0013).

A call whose terms carry proposal limits has a cluster stage: proposals go to clusters,
each cluster forwards 2-4 of them between the call's deadline and the cluster's deadline,
and only those reach the panel. A call with `follows_call_id` is the formal application
after the panel: only applicants whose first-stage proposal was recommended open one there,
under that call's own deadline. A second-stage call has no cluster stage of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.calls.schemas import CallCreate, ClusterStageOut
from nic_intake.domain.call_terms import CallTerms
from nic_intake.domain.deadline import LocalTimeError, in_oslo, oslo_instant
from nic_intake.domain.priority import default_cluster_deadline
from nic_intake.models import Call
from nic_shared.events.intake import ClusterStage
from nic_shared.problems import UnprocessableContent


@dataclass(frozen=True)
class Stages:
    proposals_min: int | None
    proposals_max: int | None
    cluster_deadline: datetime | None
    follows_call_id: uuid.UUID | None


def _error(field: str, rule: str, detail: str) -> dict[str, str]:
    return {"pointer": f"#/{field}", "rule": rule, "detail": detail}


async def stages_of(
    session: AsyncSession, call_in: CallCreate, terms: CallTerms, deadline: datetime
) -> Stages:
    """The new call's stage fields, or one 422 naming every field and rule broken."""
    errors: list[dict[str, str]] = []
    limits = terms.proposal_limits
    if call_in.follows_call_id is not None:
        first = await session.get(Call, call_in.follows_call_id)
        if first is None or first.published_at is None or first.proposals_max is None:
            errors.append(
                _error(
                    "follows_call_id",
                    "follows-cluster-stage",
                    "a second stage follows a call with a cluster stage",
                )
            )
        else:
            if first.scheme != call_in.scheme.value:
                errors.append(
                    _error(
                        "follows_call_id",
                        "same-scheme",
                        f"the first stage is a {first.scheme} call",
                    )
                )
            if deadline <= cluster_deadline_of(first):
                errors.append(
                    _error(
                        "deadline_local",
                        "after-first-stage",
                        "a second stage's deadline comes after the first stage's cluster "
                        f"deadline {in_oslo(cluster_deadline_of(first)).isoformat()}",
                    )
                )
        if call_in.cluster_deadline_local is not None:
            errors.append(
                _error(
                    "cluster_deadline_local",
                    "no-cluster-stage",
                    "a second-stage call has no cluster stage",
                )
            )
        limits = None
    cluster_deadline: datetime | None = None
    if limits is not None:
        cluster_deadline = default_cluster_deadline(deadline)
        if call_in.cluster_deadline_local is not None:
            local = call_in.cluster_deadline_local
            try:
                cluster_deadline = oslo_instant(local.date(), local.time())
            except LocalTimeError as exc:
                errors.append(_error("cluster_deadline_local", "oslo_local_time", str(exc)))
            if not cluster_deadline > deadline:
                errors.append(
                    _error(
                        "cluster_deadline_local",
                        "after-deadline",
                        "the cluster's deadline comes after the call's deadline",
                    )
                )
    elif call_in.cluster_deadline_local is not None and call_in.follows_call_id is None:
        errors.append(
            _error(
                "cluster_deadline_local",
                "no-cluster-stage",
                f"a {call_in.scheme.value} call has no cluster stage",
            )
        )
    if errors:
        raise UnprocessableContent(
            "the call's stages are inconsistent",
            detail_nb="utlysningens trinn henger ikke sammen",
            errors=errors,
        )
    return Stages(
        proposals_min=limits.minimum if limits else None,
        proposals_max=limits.maximum if limits else None,
        cluster_deadline=cluster_deadline,
        follows_call_id=call_in.follows_call_id,
    )


def cluster_deadline_of(call: Call) -> datetime:
    """The cluster's deadline; calls made before it was stored get the default."""
    return call.cluster_deadline or default_cluster_deadline(call.deadline)


def cluster_stage(call: Call) -> ClusterStage | None:
    """The call's cluster stage as the event announces it (None without one)."""
    if call.proposals_min is None or call.proposals_max is None:
        return None
    return ClusterStage(
        proposals_min=call.proposals_min,
        proposals_max=call.proposals_max,
        deadline=cluster_deadline_of(call),
    )


def cluster_stage_out(call: Call) -> ClusterStageOut | None:
    stage = cluster_stage(call)
    if stage is None:
        return None
    return ClusterStageOut(
        proposals_min=stage.proposals_min,
        proposals_max=stage.proposals_max,
        deadline=stage.deadline,
        deadline_oslo=in_oslo(stage.deadline).strftime("%Y-%m-%d %H:%M:%S %Z"),
    )
