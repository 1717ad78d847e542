"""Business-network customer periods: managed by programme officers, read by scope."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.access import Officer, ProgrammeReader
from nic_registry.domain.organisations import Organisation as DomainOrganisation
from nic_registry.domain.periods import Period
from nic_registry.identity import KeyPath
from nic_registry.models import BusinessNetworkPeriod
from nic_registry.organisations import service as organisations
from nic_registry.paging import Cursor, Limit, Page, after, next_cursor
from nic_registry.problems import period_rules
from nic_shared import problems
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent
from nic_shared.problems import NotFound

router = APIRouter(tags=["business network"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not a programme officer", **_P},
    404: {"description": "No such organisation or period", **_P},
    409: {"description": "Overlaps a period the organisation holds", **_P},
    422: {"description": "Invalid body, naming the field", **_P},
}


class CustomerPeriodIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"valid_from": "2023-01-01", "valid_to": "2024-12-31"}]},
    )

    valid_from: date
    valid_to: date | None = Field(default=None, description="Inclusive; omit while active.")


class CustomerPeriodEnd(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_to": "2024-12-31"}]}
    )

    valid_to: date


class CustomerPeriodOut(BaseModel):
    id: uuid.UUID
    organisation_key: str
    valid_from: date
    valid_to: date | None


class CustomerPage(Page):
    items: list[CustomerPeriodOut]


def _out(p: BusinessNetworkPeriod) -> CustomerPeriodOut:
    return CustomerPeriodOut(
        id=p.id,
        organisation_key=p.organisation_key,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
    )


async def _periods(session: AsyncSession, key: str) -> list[BusinessNetworkPeriod]:
    query = select(BusinessNetworkPeriod).where(BusinessNetworkPeriod.organisation_key == key)
    return list((await session.scalars(query)).all())


def _check(key: str, name: str, periods: list[Period]) -> None:
    with period_rules():
        DomainOrganisation(key=key, name=name, business_network=tuple(periods))


@router.post(
    "/v1/organisations/{key}/business-network-periods",
    status_code=201,
    response_model=CustomerPeriodOut,
    summary="Make an organisation an active business-network customer for a period",
    responses={
        **ERRORS,
        **IDEMPOTENT_RESPONSES,
        409: {"description": "Overlaps a period it holds, or Idempotency-Key reused", **_P},
    },
)
async def add_customer_period(
    key: KeyPath,
    body: CustomerPeriodIn,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    response: Response,
    once: Idempotent,
) -> CustomerPeriodOut | Response:
    async def work() -> CustomerPeriodOut:
        org = await organisations.get(session, organisations.parse_key(key))
        with period_rules():
            period = Period(body.valid_from, body.valid_to)
        held = await _periods(session, org.key)
        _check(org.key, org.name, [*(Period(p.valid_from, p.valid_to) for p in held), period])
        row = BusinessNetworkPeriod(
            id=uuid.uuid4(),
            organisation_key=org.key,
            valid_from=period.valid_from,
            valid_to=period.valid_to,
            created_at=clock(),
        )
        session.add(row)
        await session.flush()
        return _out(row)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.patch(
    "/v1/organisations/{key}/business-network-periods/{period_id}",
    summary="End a business-network customer period",
    responses=ERRORS,
)
async def end_customer_period(
    key: KeyPath,
    period_id: uuid.UUID,
    body: CustomerPeriodEnd,
    session: SessionDep,
    _who: Officer,
) -> CustomerPeriodOut:
    org = await organisations.get(session, organisations.parse_key(key))
    held = await _periods(session, org.key)
    row = next((p for p in held if p.id == period_id), None)
    if row is None:
        raise NotFound(f"no business-network period {period_id} for {org.key}")
    with period_rules():
        changed = Period(row.valid_from, body.valid_to)
    _check(
        org.key, org.name, [changed if p is row else Period(p.valid_from, p.valid_to) for p in held]
    )
    row.valid_to = body.valid_to
    await session.flush()
    return _out(row)


@router.get(
    "/v1/business-network-customers",
    summary="Business-network customer periods (active at a date, if given)",
    responses=ERRORS,
)
async def list_customers(
    session: SessionDep,
    _who: ProgrammeReader,
    limit: Limit = 50,
    cursor: Cursor = None,
    as_of: date | None = None,
) -> CustomerPage:
    query = (
        select(BusinessNetworkPeriod)
        .order_by(BusinessNetworkPeriod.organisation_key, BusinessNetworkPeriod.id)
        .limit(limit)
    )
    if as_of is not None:
        query = query.where(
            BusinessNetworkPeriod.valid_from <= as_of,
            (BusinessNetworkPeriod.valid_to.is_(None)) | (BusinessNetworkPeriod.valid_to >= as_of),
        )
    position = after(cursor, 2)
    if position is not None:
        key, ident = position[0], uuid.UUID(position[1])
        query = query.where(
            (BusinessNetworkPeriod.organisation_key > key)
            | ((BusinessNetworkPeriod.organisation_key == key) & (BusinessNetworkPeriod.id > ident))
        )
    rows = list((await session.scalars(query)).all())
    last = rows[-1] if rows else None
    return CustomerPage(
        items=[_out(r) for r in rows],
        next_cursor=next_cursor(
            rows, limit, last.organisation_key if last else "", str(last.id) if last else ""
        ),
    )
