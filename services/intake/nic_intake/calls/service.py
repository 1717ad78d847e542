"""Call use cases. They take a session and flush; the request owns the commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.calls.schemas import CallCreate, CallOut, CallStatus
from nic_intake.calls.stages import cluster_stage, cluster_stage_out, stages_of
from nic_intake.domain.call_terms import CallConfigError, CallOverrides, publish_call
from nic_intake.domain.deadline import LocalTimeError, in_oslo, oslo_instant
from nic_intake.domain.templates import terms_for
from nic_intake.models import Call
from nic_shared import outbox
from nic_shared.auth import Principal, Role
from nic_shared.events.specs import LocalText, RuleSetSpec, Scheme, ScoringSchemeSpec
from nic_shared.problems import Conflict, NotFound, UnprocessableContent


def instant(value: datetime, field: str) -> datetime:
    try:
        return oslo_instant(value.date(), value.time())
    except LocalTimeError as exc:
        raise UnprocessableContent(
            str(exc),
            errors=[{"pointer": f"#/{field}", "rule": "oslo_local_time", "detail": str(exc)}],
        ) from exc


async def create(session: AsyncSession, *, call_in: CallCreate, now: datetime) -> Call:
    """A draft call from the scheme's template and the call's overrides."""
    try:
        terms = terms_for(call_in.scheme, call_in.overrides or CallOverrides())
    except CallConfigError as exc:
        raise UnprocessableContent(
            "the call's terms are inconsistent",
            errors=[
                {"pointer": "#/overrides", "rule": "call_terms", "detail": p} for p in exc.problems
            ],
        ) from exc
    deadline = instant(call_in.deadline_local, "deadline_local")
    stages = await stages_of(session, call_in, terms, deadline)
    call = Call(
        id=uuid.uuid4(),
        code=call_in.code,
        scheme=call_in.scheme.value,
        title_nb=call_in.title.nb,
        title_en=call_in.title.en,
        description_nb=call_in.description.nb,
        description_en=call_in.description.en,
        opens_at=instant(call_in.opens_at_local, "opens_at_local"),
        deadline=deadline,
        budget_frame_nok=call_in.budget_frame_nok,
        grant_min_nok=terms.grant_min_nok,
        grant_max_nok=terms.grant_max_nok,
        max_aid_intensity_percent=terms.max_aid_intensity_percent,
        required_parts=list(terms.required_parts),
        rule_set=terms.rule_set.model_dump(mode="json"),
        scoring_scheme=terms.scoring_scheme.model_dump(mode="json"),
        proposals_min=stages.proposals_min,
        proposals_max=stages.proposals_max,
        cluster_deadline=stages.cluster_deadline,
        follows_call_id=stages.follows_call_id,
        created_at=now,
    )
    session.add(call)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a call with code {call_in.code} exists", slug="call-code-taken") from exc
    return call


async def get(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def sees_drafts(principal: Principal) -> bool:
    """A call is the programme's own until it is published: only officers see drafts."""
    return principal.has_role(Role.PROGRAMME_OFFICER)


async def get_visible(session: AsyncSession, call_id: uuid.UUID, principal: Principal) -> Call:
    """The call, or the same 404 as for no call at all when a draft is not the caller's to see."""
    call = await get(session, call_id)
    if call.published_at is None and not sees_drafts(principal):
        raise NotFound(f"no call {call_id}")
    return call


async def list_calls(
    session: AsyncSession,
    *,
    limit: int,
    after: datetime | None,
    after_id: uuid.UUID | None,
    published_only: bool,
) -> list[Call]:
    """Calls by creation time then id: a stable order for cursor paging."""
    query = select(Call).order_by(Call.created_at, Call.id).limit(limit)
    if published_only:
        query = query.where(Call.published_at.is_not(None))
    if after is not None and after_id is not None:
        query = query.where(
            (Call.created_at > after) | ((Call.created_at == after) & (Call.id > after_id))
        )
    return list((await session.scalars(query)).all())


async def publish(session: AsyncSession, *, call_id: uuid.UUID, now: datetime) -> Call:
    """Publish a draft: it becomes immutable and CallPublished goes out through the outbox."""
    call = await get(session, call_id)
    if call.published_at is not None:
        raise Conflict(f"call {call.code} is already published", slug="call-already-published")
    terms = terms_for(
        _scheme(call),
        CallOverrides(
            required_parts=call.required_parts,
            grant_min_nok=call.grant_min_nok,
            grant_max_nok=call.grant_max_nok,
            max_aid_intensity_percent=call.max_aid_intensity_percent,
            rule_set_parameters=call.rule_set["parameters"],
            rule_set_version=call.rule_set["version"],
            scoring_scheme=call.scoring_scheme,
            proposal_limits_min=call.proposals_min,
            proposal_limits_max=call.proposals_max,
        ),
    )
    event = publish_call(
        terms,
        call_id=call.id,
        code=call.code,
        title=LocalText(nb=call.title_nb, en=call.title_en),
        opens_at=call.opens_at,
        deadline=call.deadline,
        budget_frame_nok=call.budget_frame_nok,
    ).model_copy(
        update={"cluster_stage": cluster_stage(call), "follows_call_id": call.follows_call_id}
    )
    call.published_at = now
    await session.flush()
    await outbox.record(session, event)
    return call


def _scheme(call: Call) -> Scheme:
    return Scheme(call.scheme)


def status(call: Call, now: datetime) -> CallStatus:
    if call.decided_at is not None:
        return CallStatus.DECIDED
    if call.published_at is None:
        return CallStatus.DRAFT
    return CallStatus.OPEN if now < call.deadline else CallStatus.CLOSED


def to_out(call: Call, now: datetime) -> CallOut:
    return CallOut(
        id=call.id,
        code=call.code,
        scheme=_scheme(call),
        status=status(call, now),
        title=LocalText(nb=call.title_nb, en=call.title_en),
        description=LocalText(nb=call.description_nb, en=call.description_en),
        opens_at=call.opens_at,
        deadline=call.deadline,
        deadline_oslo=in_oslo(call.deadline).strftime("%Y-%m-%d %H:%M:%S %Z"),
        budget_frame_nok=call.budget_frame_nok,
        grant_min_nok=call.grant_min_nok,
        grant_max_nok=call.grant_max_nok,
        max_aid_intensity_percent=call.max_aid_intensity_percent,
        required_parts=call.required_parts,
        rule_set=RuleSetSpec.model_validate(call.rule_set),
        scoring_scheme=ScoringSchemeSpec.model_validate(call.scoring_scheme),
        cluster_stage=cluster_stage_out(call),
        follows_call_id=call.follows_call_id,
        version=call.version,
        created_at=call.created_at,
        published_at=call.published_at,
    )
