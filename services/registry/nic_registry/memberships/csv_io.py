"""A cluster's member list as CSV. Import validates the whole file, then the file against the
register (overlaps with memberships held); any error means nothing is written.

A line whose organisation already has a membership starting the same day *is* that
membership: its actor type and end are updated. So an export can be edited and imported
again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.domain.member_csv import (
    MemberRow,
    RowError,
    export_member_csv,
    parse_member_csv,
)
from nic_registry.domain.periods import Period
from nic_registry.memberships import service
from nic_registry.memberships.schemas import ImportReport
from nic_registry.models import Membership, Organisation
from nic_registry.organisations.service import new_row
from nic_registry.problems import flush
from nic_shared import outbox
from nic_shared.contracts.registry_facts import ActorType
from nic_shared.events.registry import OrganisationUpdated
from nic_shared.problems import UnprocessableContent

_CHUNK = 500


async def import_csv(
    session: AsyncSession, cluster_id: uuid.UUID, text: str, now: datetime
) -> ImportReport:
    report = parse_member_csv(text)
    if not report.ok:
        raise _refused(report.errors)
    held = await _memberships(session, cluster_id)
    by_key: dict[str, list[Membership]] = defaultdict(list)
    for m in held:
        by_key[m.organisation_key].append(m)

    errors: list[RowError] = []
    new: list[MemberRow] = []
    changed: list[tuple[Membership, MemberRow]] = []
    matched: dict[str, set[uuid.UUID]] = defaultdict(set)
    for row in report.rows:
        same = next(
            (m for m in by_key[row.organisation_key] if m.valid_from == row.period.valid_from), None
        )
        if same is None:
            new.append(row)
            continue
        matched[row.organisation_key].add(same.id)
        if (same.actor_type, same.valid_to) != (row.actor_type.value, row.period.valid_to):
            changed.append((same, row))
    for row in report.rows:  # against the memberships the file leaves as they are
        kept = (
            m for m in by_key[row.organisation_key] if m.id not in matched[row.organisation_key]
        )
        if any(Period(m.valid_from, m.valid_to).overlaps(row.period) for m in kept):
            errors.append(
                RowError(row.line, "valid_from", "overlaps a membership the cluster already holds")
            )
    unchanged = len(report.rows) - len(new) - len(changed)
    if errors:
        raise _refused(tuple(errors))

    await _add_missing_organisations(session, report.rows, now)
    for m, row in changed:
        old_end = m.valid_to
        m.actor_type, m.valid_to, m.updated_at = row.actor_type.value, row.period.valid_to, now
        if m.valid_to is not None and m.valid_to != old_end:
            await service.ended(session, m, m.valid_to)
    added = [
        Membership(
            id=uuid.uuid4(),
            cluster_id=cluster_id,
            organisation_key=row.organisation_key,
            actor_type=row.actor_type.value,
            valid_from=row.period.valid_from,
            valid_to=row.period.valid_to,
            created_at=now,
            updated_at=now,
        )
        for row in new
    ]
    session.add_all(added)
    await flush(session)
    for m in added:
        await service.started(session, m)
    return ImportReport(imported=len(added), updated=len(changed), unchanged=unchanged)


async def export_csv(session: AsyncSession, cluster_id: uuid.UUID, as_of: date | None) -> str:
    query = (
        select(Membership, Organisation.name)
        .join(Organisation, Organisation.key == Membership.organisation_key)
        .where(Membership.cluster_id == cluster_id)
        .order_by(Membership.organisation_key, Membership.valid_from)
    )
    if as_of is not None:
        query = query.where(
            Membership.valid_from <= as_of,
            (Membership.valid_to.is_(None)) | (Membership.valid_to >= as_of),
        )
    rows = [
        MemberRow(
            m.organisation_key, name, ActorType(m.actor_type), Period(m.valid_from, m.valid_to)
        )
        for m, name in (await session.execute(query)).all()
    ]
    return export_member_csv(rows)


async def _memberships(session: AsyncSession, cluster_id: uuid.UUID) -> list[Membership]:
    query = select(Membership).where(Membership.cluster_id == cluster_id)
    return list((await session.scalars(query)).all())


async def _add_missing_organisations(
    session: AsyncSession, rows: tuple[MemberRow, ...], now: datetime
) -> None:
    names = {row.organisation_key: row.name for row in rows}
    wanted = list(names)
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(Organisation.key).where(Organisation.key.in_(chunk))
        known.update((await session.scalars(query)).all())
    created = [new_row(key, name, now) for key, name in names.items() if key not in known]
    session.add_all(created)
    await flush(session)
    for org in created:
        await outbox.record(session, OrganisationUpdated(organisation_key=org.key, name=org.name))


def _refused(errors: tuple[RowError, ...]) -> UnprocessableContent:
    return UnprocessableContent(
        f"the file has {len(errors)} error(s); nothing was imported",
        detail_nb=f"filen har {len(errors)} feil; ingenting ble importert",
        slug="member-import-invalid",
        errors=[{"row": e.row, "column": e.column, "rule": e.rule} for e in errors],
    )
