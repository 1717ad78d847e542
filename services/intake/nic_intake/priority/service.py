"""A cluster manager sees the proposals sent to their cluster and forwards a ranked 2-4.

The forwarding is one transaction: the cluster's list is stored, every other proposal sent
to the cluster is closed (status `closed`, stage `not_forwarded`, on its timeline), the
forwarded ones get a `forwarded` step, the manager is mailed what went on, and
ClusterPrioritySubmitted goes out for scoring, which lets only these reach the panel.
Every refusal changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.applications.schemas import ApplicationStatus
from nic_intake.calls.stages import cluster_deadline_of
from nic_intake.domain.deadline import in_oslo
from nic_intake.domain.priority import (
    ClusterDeadlinePassed,
    DuplicateProposal,
    ForwardingNotOpen,
    PriorityRefusedError,
    ProposalLimits,
    ProposalNotSentToCluster,
    TooFewProposals,
    TooManyProposals,
    UnknownProposal,
    check_window,
    priority_submitted,
)
from nic_intake.models import Application, Call, ClusterPriority, MailMessage
from nic_intake.priority.closing import NOT_FORWARDED, tell_applicant, timeline_step
from nic_intake.priority.mail import forwarding_mail
from nic_intake.priority.problems import register
from nic_intake.priority.schemas import PriorityIn
from nic_shared import mail, outbox
from nic_shared.auth import Principal
from nic_shared.events.intake import ClusterPrioritySubmitted
from nic_shared.problems import Conflict, Forbidden, NotFound, Problem, UnprocessableContent

register()
FORWARDED = "forwarded"
SWEEP_ACTOR = "system:cluster-stage-sweep"  # `submitted_by` of a lapse (sweep.py)


def cluster_of(principal: Principal) -> uuid.UUID:
    if principal.cluster_id is None:
        raise Forbidden(
            "the token has no cluster (claim `cluster`)",
            detail_nb="tokenet mangler klynge (claim `cluster`)",
            slug="cluster-required",
        )
    return principal.cluster_id


async def two_stage_call(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await session.get(Call, call_id)
    if call is None or call.published_at is None:
        raise NotFound(f"no call {call_id}")
    if call.proposals_max is None:
        raise Conflict(
            f"call {call.code} has no cluster prioritisation",
            detail_nb=f"utlysningen {call.code} har ikke klyngeprioritering",
            slug="not-two-stage",
        )
    return call


async def proposals(
    session: AsyncSession, call_id: uuid.UUID, cluster_id: uuid.UUID | None = None
) -> list[Application]:
    """Submitted, not withdrawn proposals of a call (sent to one cluster when given)."""
    query = (
        select(Application)
        .where(
            Application.call_id == call_id,
            Application.status == ApplicationStatus.SUBMITTED.value,
        )
        .order_by(Application.submitted_at, Application.id)
    )
    if cluster_id is not None:
        query = query.where(Application.cluster_id == cluster_id)
    return list((await session.scalars(query)).all())


def _refusal(exc: PriorityRefusedError, limits: ProposalLimits, deadline: datetime) -> Problem:
    if isinstance(exc, ForwardingNotOpen | ClusterDeadlinePassed):
        early = isinstance(exc, ForwardingNotOpen)
        rule = "cluster-stage-opens" if early else "cluster-deadline"
        oslo = in_oslo(deadline).isoformat()
        return Conflict(
            str(exc),
            detail_nb="klyngene sender sine forslag etter søknadsfristen"
            if early
            else f"klyngens frist {oslo} er passert",
            slug="cluster-stage-not-open" if early else "cluster-deadline-passed",
            cluster_deadline=deadline.isoformat(),
            cluster_deadline_oslo=oslo,
            errors=[{"pointer": "#/cluster_stage/deadline", "rule": rule, "detail": str(exc)}],
        )
    pointer = "#/ranked" if exc.index is None else f"#/ranked/{exc.index}"
    if isinstance(exc, UnknownProposal | ProposalNotSentToCluster):
        # the same words for a proposal of another cluster and for none: nothing leaks
        detail = "not a proposal sent to this cluster in this call"
        return UnprocessableContent(
            detail,
            detail_nb="ikke et forslag sendt til denne klyngen i denne utlysningen",
            slug="priority-not-cluster-proposal",
            errors=[{"pointer": pointer, "rule": "sent-to-cluster", "detail": detail}],
        )
    slug = "priority-duplicate" if isinstance(exc, DuplicateProposal) else "priority-count"
    nb = {
        TooFewProposals: f"en klynge sender minst {limits.minimum} forslag",
        TooManyProposals: f"en klynge sender høyst {limits.maximum} forslag",
    }.get(type(exc), "et forslag er rangert mer enn én gang")
    rule = {TooFewProposals: "min-proposals", TooManyProposals: "max-proposals"}.get(
        type(exc), "ranked-once"
    )
    return UnprocessableContent(
        str(exc),
        detail_nb=nb,
        slug=slug,
        minimum=limits.minimum,
        maximum=limits.maximum,
        errors=[{"pointer": pointer, "rule": rule, "detail": str(exc)}],
    )


def _again(row: ClusterPriority, ranked: list[uuid.UUID]) -> ClusterPriority:
    """The same list again replays the answer; another list is a conflict."""
    if [p["application_id"] for p in row.proposals] == [str(a) for a in ranked]:
        return row
    detail = "this cluster has already forwarded another list for the call"
    raise Conflict(
        detail,
        detail_nb="klyngen har allerede sendt en annen prioritering for utlysningen",
        slug="priority-already-submitted",
        errors=[{"pointer": "#/ranked", "rule": "one-forwarding", "detail": detail}],
    )


async def stored(
    session: AsyncSession, call_id: uuid.UUID, cluster_id: uuid.UUID
) -> ClusterPriority | None:
    return await session.get(ClusterPriority, (call_id, cluster_id))


async def forward(
    session: AsyncSession,
    *,
    principal: Principal,
    call_id: uuid.UUID,
    body: PriorityIn,
    now: datetime,
) -> tuple[ClusterPriority, bool]:
    """The stored forwarding and whether this call made it (False: a replay)."""
    cluster_id = cluster_of(principal)
    call = await two_stage_call(session, call_id)
    existing = await stored(session, call.id, cluster_id)
    limits = ProposalLimits(minimum=call.proposals_min or 1, maximum=call.proposals_max or 1)
    deadline = cluster_deadline_of(call)
    if existing is not None and existing.submitted_by == SWEEP_ACTOR:
        # the sweep closed the cluster's proposals: its deadline passed, whatever our clock
        passed = ClusterDeadlinePassed(f"the cluster's deadline {deadline.isoformat()} has passed")
        raise _refusal(passed, limits, deadline)
    if existing is not None:
        return _again(existing, body.ranked), False
    apps = {a.id: a for a in await proposals(session, call_id)}
    try:
        check_window(now, deadline=call.deadline, cluster_deadline=deadline)
        event = priority_submitted(
            call.id,
            cluster_id,
            body.ranked,
            {i: a.cluster_id for i, a in apps.items()},
            limits,
            now,
        )
    except PriorityRefusedError as exc:
        raise _refusal(exc, limits, deadline) from exc
    row = ClusterPriority(
        call_id=call.id,
        cluster_id=cluster_id,
        proposals=[p.model_dump(mode="json") for p in event.proposals],
        not_forwarded=[str(a) for a in event.not_forwarded],
        submitted_by=principal.subject,
        submitted_at=now,
        contact_name=body.contact.name,
        contact_email=str(body.contact.email),
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent forwarding won
        raise Conflict(
            "this cluster has already forwarded its list for the call",
            detail_nb="klyngen har allerede sendt sin prioritering for utlysningen",
            slug="priority-already-submitted",
        ) from exc
    await _close_and_mark(session, call, event, apps, now)
    await _tell_manager(session, call, row, event, apps, now)
    await outbox.record(session, event)
    return row, True


async def _close_and_mark(
    session: AsyncSession,
    call: Call,
    event: ClusterPrioritySubmitted,
    apps: dict[uuid.UUID, Application],
    now: datetime,
) -> None:
    """Unforwarded proposals are closed and their applicants mailed; each proposal gets the
    step on its timeline."""
    steps = [(p.application_id, FORWARDED) for p in event.proposals]
    steps += [(a, NOT_FORWARDED) for a in event.not_forwarded]
    for application_id, outcome in steps:
        app = apps[application_id]
        app.stage = outcome
        app.updated_at = now
        if outcome == NOT_FORWARDED:
            app.status = ApplicationStatus.CLOSED.value
            await tell_applicant(session, call, app, now, lapsed=False)
        session.add(timeline_step(application_id, outcome, event.cluster_id, now))
    await session.flush()


def _title(app: Application) -> str:
    return str(app.content.get("title") or app.id)


async def _tell_manager(
    session: AsyncSession,
    call: Call,
    row: ClusterPriority,
    event: ClusterPrioritySubmitted,
    apps: dict[uuid.UUID, Application],
    now: datetime,
) -> None:
    subject, text = forwarding_mail(
        name=row.contact_name or "",
        call_code=call.code,
        forwarded=[
            (p.rank, str(p.application_id), _title(apps[p.application_id])) for p in event.proposals
        ],
        closed=[(str(a), _title(apps[a])) for a in event.not_forwarded],
        at=now,
    )
    await mail.enqueue(
        session,
        MailMessage,
        recipient=row.contact_email or "",
        subject=subject,
        body=text,
        now=now,
        dedupe_key=f"cluster-priority:{call.id}:{row.cluster_id}",
    )
