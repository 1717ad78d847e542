"""Membership use cases: one organisation holds one membership of a cluster at a time."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.domain.memberships import Membership as DomainMembership
from nic_registry.domain.memberships import ensure_no_overlapping_memberships
from nic_registry.domain.periods import Period
from nic_registry.memberships.schemas import MembershipCreate, MembershipOut, MembershipPatch
from nic_registry.models import Membership, Organisation
from nic_registry.organisations import service as organisations
from nic_registry.problems import flush, period_rules
from nic_shared import outbox
from nic_shared.contracts.registry_facts import ActorType
from nic_shared.events.registry import MembershipEnded, MembershipStarted
from nic_shared.problems import NotFound


def to_domain(row: Membership) -> DomainMembership:
    return DomainMembership(
        row.cluster_id,
        row.organisation_key,
        ActorType(row.actor_type),
        Period(row.valid_from, row.valid_to),
    )


def to_out(row: Membership, name: str) -> MembershipOut:
    return MembershipOut(
        id=row.id,
        cluster_id=row.cluster_id,
        organisation_key=row.organisation_key,
        organisation_name=name,
        actor_type=ActorType(row.actor_type),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        version=row.version,
    )


async def of_pair(session: AsyncSession, cluster_id: uuid.UUID, key: str) -> list[Membership]:
    query = select(Membership).where(
        Membership.cluster_id == cluster_id, Membership.organisation_key == key
    )
    return list((await session.scalars(query)).all())


def check(rows: list[Membership], changed: DomainMembership | None = None) -> None:
    """409 when two memberships of one organisation in the cluster share a day."""
    with period_rules():
        ensure_no_overlapping_memberships(
            [*(to_domain(r) for r in rows), *([changed] if changed else [])]
        )


async def create(
    session: AsyncSession, cluster_id: uuid.UUID, body: MembershipCreate, now: datetime
) -> tuple[Membership, Organisation]:
    with period_rules():
        Period(body.valid_from, body.valid_to)
    organisation = await organisations.ensure(session, body.key, body.name, now)
    row = Membership(
        id=uuid.uuid4(),
        cluster_id=cluster_id,
        organisation_key=organisation.key,
        actor_type=body.actor_type.value,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        created_at=now,
        updated_at=now,
    )
    check([*await of_pair(session, cluster_id, organisation.key), row])
    session.add(row)
    await flush(session)
    await started(session, row)
    return row, organisation


async def started(session: AsyncSession, row: Membership) -> None:
    await outbox.record(
        session,
        MembershipStarted(
            membership_id=row.id,
            cluster_id=row.cluster_id,
            organisation_key=row.organisation_key,
            actor_type=row.actor_type,
            valid_from=row.valid_from,
        ),
    )
    if row.valid_to is not None:
        await ended(session, row, row.valid_to)


async def ended(session: AsyncSession, row: Membership, valid_to: date) -> None:
    await outbox.record(
        session,
        MembershipEnded(
            membership_id=row.id,
            cluster_id=row.cluster_id,
            organisation_key=row.organisation_key,
            valid_to=valid_to,
        ),
    )


async def get(
    session: AsyncSession, cluster_id: uuid.UUID, membership_id: uuid.UUID
) -> tuple[Membership, str]:
    found = (
        await session.execute(
            select(Membership, Organisation.name)
            .join(Organisation, Organisation.key == Membership.organisation_key)
            .where(Membership.id == membership_id, Membership.cluster_id == cluster_id)
        )
    ).one_or_none()
    if found is None:
        raise NotFound(f"no membership {membership_id} in cluster {cluster_id}")
    return found[0], found[1]


async def update(
    session: AsyncSession, row: Membership, body: MembershipPatch, now: datetime
) -> Membership:
    changes = body.model_dump(exclude_unset=True)
    old_end = row.valid_to
    if changes.get("actor_type") is not None:
        row.actor_type = ActorType(changes["actor_type"]).value
    if "valid_to" in changes:
        with period_rules():
            period = Period(row.valid_from, changes["valid_to"])
        others = [
            m
            for m in await of_pair(session, row.cluster_id, row.organisation_key)
            if m.id != row.id
        ]
        check(
            others,
            DomainMembership(
                row.cluster_id, row.organisation_key, ActorType(row.actor_type), period
            ),
        )
        row.valid_to = changes["valid_to"]
    row.updated_at = now
    await flush(session)
    if row.valid_to is not None and row.valid_to != old_end:
        await ended(session, row, row.valid_to)
    return row


async def page(
    session: AsyncSession,
    cluster_id: uuid.UUID,
    *,
    as_of: date | None,
    limit: int,
    after: list[str] | None,
) -> list[tuple[Membership, str]]:
    """Members (all memberships, or those covering `as_of`), by organisation key."""
    query = (
        select(Membership, Organisation.name)
        .join(Organisation, Organisation.key == Membership.organisation_key)
        .where(Membership.cluster_id == cluster_id)
        .order_by(Membership.organisation_key, Membership.id)
        .limit(limit)
    )
    if as_of is not None:
        query = query.where(
            Membership.valid_from <= as_of,
            (Membership.valid_to.is_(None)) | (Membership.valid_to >= as_of),
        )
    if after is not None:
        key, ident = after[0], uuid.UUID(after[1])
        query = query.where(
            (Membership.organisation_key > key)
            | ((Membership.organisation_key == key) & (Membership.id > ident))
        )
    return [(m, name) for m, name in (await session.execute(query)).all()]
