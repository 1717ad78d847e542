"""Organisation use cases: register by hand, change, apply a Brønnøysund lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.domain import keys
from nic_registry.domain.brreg import BrregEntity
from nic_registry.models import Organisation
from nic_registry.organisations.schemas import (
    OrganisationCreate,
    OrganisationPatch,
)
from nic_registry.problems import flush
from nic_shared import outbox
from nic_shared.events.registry import OrganisationUpdated
from nic_shared.money import MOD11_RULE
from nic_shared.problems import Conflict, NotFound, UnprocessableContent

_RENAMED = {"research_organisation": "research_declared"}
_NOT_NULL = {"bankrupt", "winding_up", "deleted", "research_organisation", "nace_codes"}


def parse_key(raw: str, where: str = "key") -> str:
    """A key from a path or a list: `974760673` or `SE:5560360793`; 422 naming it if invalid."""
    try:
        if keys.is_foreign(raw):
            country, ident = raw.split(":", 1)
            return keys.foreign_key(country, ident)
        return keys.norwegian_key(raw)
    except ValueError as exc:
        raise UnprocessableContent(
            f"{where}: {exc}",
            errors=[{"parameter": where, "in": "path", "rule": key_rule(raw), "detail": str(exc)}],
        ) from exc


def key_rule(raw: str) -> str:
    """`mod11` when only the check digit is wrong (no pattern can say it), else the shape."""
    return MOD11_RULE if keys.is_norwegian_shape(raw) else "organisation_key"


def new_row(key: str, name: str, now: datetime) -> Organisation:
    foreign = keys.is_foreign(key)
    country, foreign_id = key.split(":", 1) if foreign else (None, None)
    return Organisation(
        key=key,
        org_number=None if foreign else key,
        country=country,
        foreign_id=foreign_id,
        name=name.strip(),
        bankrupt=False,
        winding_up=False,
        deleted=False,
        nace_codes=[],
        research_declared=False,
        source="manual",
        created_at=now,
        updated_at=now,
    )


async def create(session: AsyncSession, body: OrganisationCreate, now: datetime) -> Organisation:
    if await session.get(Organisation, body.key) is not None:
        raise Conflict(f"organisation {body.key} is registered", slug="organisation-exists")
    row = new_row(body.key, body.name, now)
    _apply(
        row,
        body.model_dump(
            exclude_unset=True, exclude={"org_number", "foreign_country", "foreign_id", "name"}
        ),
    )
    session.add(row)
    await flush(session)
    await _updated(session, row)
    return row


async def get(session: AsyncSession, key: str) -> Organisation:
    row = await session.get(Organisation, key)
    if row is None:
        raise NotFound(f"no organisation {key}", detail_nb=f"ingen organisasjon {key}")
    return row


async def ensure(session: AsyncSession, key: str, name: str | None, now: datetime) -> Organisation:
    """The organisation, registered by hand with `name` when unknown (422 without a name)."""
    row = await session.get(Organisation, key)
    if row is not None:
        return row
    if not name or not name.strip():
        raise UnprocessableContent(
            f"organisation {key} is not registered; give its name",
            errors=[
                {
                    "pointer": "#/name",
                    "rule": "required_for_new_organisation",
                    "detail": "name is required for an organisation the registry does not know",
                }
            ],
        )
    row = new_row(key, name, now)
    session.add(row)
    await flush(session)
    await _updated(session, row)
    return row


async def update(
    session: AsyncSession, row: Organisation, body: OrganisationPatch, now: datetime
) -> Organisation:
    changes = body.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        row.name = changes.pop("name").strip()
    changes.pop("name", None)
    _apply(row, changes)
    row.updated_at = now
    await flush(session)
    await _updated(session, row)
    return row


async def apply_brreg(
    session: AsyncSession, entity: BrregEntity, now: datetime
) -> tuple[Organisation, bool]:
    """Store what Enhetsregisteret says; declared data (SME figures, research) is kept."""
    row = await session.get(Organisation, entity.org_number)
    created = row is None
    if row is None:
        row = new_row(entity.org_number, entity.name or entity.org_number, now)
        session.add(row)
    row.name = entity.name or row.name
    row.org_form_code = entity.org_form_code
    row.org_form_description = entity.org_form_description
    row.sector_code = entity.sector_code
    row.registered_in_foretaksregisteret = entity.registered_in_foretaksregisteret
    row.bankrupt, row.winding_up, row.deleted = entity.bankrupt, entity.winding_up, entity.deleted
    row.deleted_on = entity.deleted_on
    row.nace_codes = list(entity.nace_codes)
    row.employees = entity.employees
    row.parent_org_number = entity.parent_org_number
    row.in_group = entity.in_group
    row.founded_on = entity.founded_on
    row.source = "brreg"
    row.brreg_fetched_at = now
    row.updated_at = now
    await flush(session)
    await _updated(session, row)
    return row, created


async def page(session: AsyncSession, *, limit: int, after: list[str] | None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.key).limit(limit)
    if after is not None:
        query = query.where(Organisation.key > after[0])
    return list((await session.scalars(query)).all())


def _apply(row: Organisation, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if value is None and name in _NOT_NULL:
            value = [] if name == "nace_codes" else False
        setattr(row, _RENAMED.get(name, name), value)


async def _updated(session: AsyncSession, row: Organisation) -> None:
    await outbox.record(session, OrganisationUpdated(organisation_key=row.key, name=row.name))
