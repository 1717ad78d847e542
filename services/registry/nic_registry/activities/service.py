"""Activity use cases."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.activities.schemas import ActivityCreate, ActivityOut
from nic_registry.domain.annual_report import ActivityType
from nic_registry.models import Activity, Membership
from nic_registry.organisations.service import key_rule, parse_key
from nic_registry.problems import flush
from nic_shared import outbox
from nic_shared.events.registry import ActivityRegistered
from nic_shared.problems import NotFound, UnprocessableContent


async def create(
    session: AsyncSession, cluster_id: uuid.UUID, body: ActivityCreate, now: datetime
) -> Activity:
    participants = await _checked_participants(session, cluster_id, body)
    row = Activity(
        id=uuid.uuid4(),
        cluster_id=cluster_id,
        activity_date=body.activity_date,
        title=body.title.strip(),
        activity_type=body.activity_type.value,
        participant_count=body.participant_count,
        participant_organisations=participants,
        created_at=now,
    )
    session.add(row)
    await flush(session)
    await outbox.record(
        session,
        ActivityRegistered(
            activity_id=row.id,
            cluster_id=cluster_id,
            activity_date=row.activity_date,
            activity_type=row.activity_type,
            participant_count=row.participant_count,
        ),
    )
    return row


async def _checked_participants(
    session: AsyncSession, cluster_id: uuid.UUID, body: ActivityCreate
) -> list[str]:
    """The keys, normalised; each must be a member of the cluster on the activity's date."""
    errors: list[dict[str, str]] = []
    keys: list[str] = []
    for i, raw in enumerate(body.participant_organisations):
        try:
            keys.append(parse_key(raw, f"participant_organisations/{i}"))
        except UnprocessableContent as exc:
            errors.append(
                {
                    "pointer": f"#/participant_organisations/{i}",
                    "rule": key_rule(raw),
                    "detail": str(exc),
                }
            )
    day = body.activity_date
    members: set[str] = set()
    if keys:
        query = select(Membership.organisation_key).where(
            Membership.cluster_id == cluster_id,
            Membership.organisation_key.in_(set(keys)),
            Membership.valid_from <= day,
            (Membership.valid_to.is_(None)) | (Membership.valid_to >= day),
        )
        members = set((await session.scalars(query)).all())
    if not errors:
        errors = [
            {
                "pointer": f"#/participant_organisations/{i}",
                "rule": "member_at_activity_date",
                "detail": f"{key} is not a member of the cluster on {day}",
            }
            for i, key in enumerate(keys)
            if key not in members
        ]
    if errors:
        raise UnprocessableContent("; ".join(e["detail"] for e in errors)[:2000], errors=errors)
    return list(dict.fromkeys(keys))


async def get(session: AsyncSession, cluster_id: uuid.UUID, activity_id: uuid.UUID) -> Activity:
    row = await session.get(Activity, activity_id)
    if row is None or row.cluster_id != cluster_id:
        raise NotFound(f"no activity {activity_id} in cluster {cluster_id}")
    return row


async def page(
    session: AsyncSession,
    cluster_id: uuid.UUID,
    *,
    first: date | None,
    last: date | None,
    limit: int,
    after: list[str] | None,
) -> list[Activity]:
    query = (
        select(Activity)
        .where(Activity.cluster_id == cluster_id)
        .order_by(Activity.activity_date, Activity.id)
        .limit(limit)
    )
    if first is not None:
        query = query.where(Activity.activity_date >= first)
    if last is not None:
        query = query.where(Activity.activity_date <= last)
    if after is not None:
        day, ident = date.fromisoformat(after[0]), uuid.UUID(after[1])
        query = query.where(
            (Activity.activity_date > day)
            | ((Activity.activity_date == day) & (Activity.id > ident))
        )
    return list((await session.scalars(query)).all())


def to_out(row: Activity) -> ActivityOut:
    return ActivityOut(
        id=row.id,
        cluster_id=row.cluster_id,
        activity_date=row.activity_date,
        title=row.title,
        activity_type=ActivityType(row.activity_type),
        participant_count=row.participant_count,
        participant_organisations=list(row.participant_organisations),
        created_at=row.created_at,
    )
