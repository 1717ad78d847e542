"""Operations' webhook API: subscriptions (an officer's get full payloads, an operator's
redacted ones), their deliveries and attempts, resume and re-send."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select, update

from nic_operations import webhooks
from nic_operations.models import attempts, deliveries, subscriptions
from nic_shared.auth import Principal, require
from nic_shared.db import SessionDep, notify_commit
from nic_shared.events import CATALOGUE
from nic_shared.events.redaction import sees_full_payloads
from nic_shared.ops import resolve_types
from nic_shared.ops_common import OPERATOR_ROLES, type_names
from nic_shared.problems import (
    NotFound,
    UnprocessableContent,
)

log = logging.getLogger(__name__)
_P: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(
    tags=["webhooks"],
    responses={
        401: {"description": "No valid token", **_P},
        403: {"description": "Not operations or a programme officer", **_P},
    },
)
Operator = Annotated[Principal, Depends(require(*OPERATOR_ROLES))]


TYPE_NAMES = type_names()
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
"""An https URL with a name or IPv4 host, in visible ASCII (IPv6 literals: not in the schema)."""


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=2000,
        examples=["https://example.org/nic-events"],
        description="An https URL whose host resolves, when subscribing, to public addresses "
        "only (no loopback, private, link-local or embedded-IPv4 forms): a rule on the name's "
        "answers, not its spelling, so a refusal is 422 validation-error, rule safe-target.",
        json_schema_extra={"pattern": URL_PATTERN},
    )
    event_types: list[Annotated[str, Field(json_schema_extra={"enum": TYPE_NAMES})]] = Field(
        min_length=1, max_length=50
    )
    call_id: uuid.UUID | None = None
    description: str | None = Field(default=None, max_length=300)


class SubscriptionOut(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    call_id: str | None
    description: str | None
    status: str
    consecutive_failures: int
    paused_at: datetime | None
    created_at: datetime
    created_by: str
    full_payloads: bool = Field(
        description="Events in full (an officer subscribed); else redacted as docs/data-map.md."
    )


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="Shown once: verify webhook-signature with it.")


class AttemptOut(BaseModel):
    number: int
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: str
    subscription_id: uuid.UUID
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryDetail(DeliveryOut):
    attempt_log: list[AttemptOut]


def _subscription(row: Any) -> SubscriptionOut:
    return SubscriptionOut(
        id=row.id,
        url=row.url,
        event_types=row.event_types,
        call_id=row.call_id,
        description=row.description,
        status=row.status,
        consecutive_failures=row.consecutive_failures,
        paused_at=row.paused_at,
        created_at=row.created_at,
        created_by=row.created_by,
        full_payloads=row.full_payloads,
    )


def _delivery(row: Any) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


@router.post(
    "/v1/webhooks/subscriptions",
    tags=["webhooks"],
    status_code=201,
    summary="Subscribe an HTTPS endpoint to event types (optionally of one call)",
)
async def create_subscription(
    body: SubscriptionIn, request: Request, session: SessionDep, who: Operator
) -> SubscriptionCreated:
    types = resolve_types(body.event_types) or []
    unknown = [t for t in types if t not in CATALOGUE]
    if unknown:
        raise UnprocessableContent(
            f"unknown event types {unknown}",
            errors=[{"pointer": "#/event_types", "rule": "known-type", "detail": str(unknown)}],
        )
    try:
        await webhooks.check_target(body.url, request.app.state.settings)
    except webhooks.UnsafeTarget as exc:
        raise UnprocessableContent(
            str(exc), errors=[{"pointer": "#/url", "rule": "safe-target", "detail": str(exc)}]
        ) from exc
    values = {
        "id": uuid.uuid4(),
        "url": body.url,
        "event_types": sorted(set(types)),
        "call_id": str(body.call_id) if body.call_id else None,
        "description": body.description,
        "secret": webhooks.new_secret(),
        "status": webhooks.ACTIVE,
        "consecutive_failures": 0,
        "paused_at": None,
        "created_by": who.subject,
        "created_at": datetime.now(UTC),
        "full_payloads": sees_full_payloads(who),
    }
    await session.execute(subscriptions.insert().values(**values))
    return SubscriptionCreated(**values)


@router.get("/v1/webhooks/subscriptions", tags=["webhooks"], summary="Webhook subscriptions")
async def list_subscriptions(session: SessionDep, _who: Operator) -> list[SubscriptionOut]:
    rows = (await session.execute(select(subscriptions).order_by(subscriptions.c.created_at))).all()
    return [_subscription(r) for r in rows]


async def _get_subscription(session: Any, subscription_id: uuid.UUID) -> Any:
    row = (
        await session.execute(select(subscriptions).where(subscriptions.c.id == subscription_id))
    ).first()
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return row


@router.get("/v1/webhooks/subscriptions/{subscription_id}", tags=["webhooks"])
async def get_subscription(
    subscription_id: uuid.UUID, session: SessionDep, _who: Operator
) -> SubscriptionOut:
    return _subscription(await _get_subscription(session, subscription_id))


@router.post(
    "/v1/webhooks/subscriptions/{subscription_id}/resume",
    tags=["webhooks"],
    summary="Resume a paused subscription (its failure count starts again)",
)
async def resume_subscription(
    subscription_id: uuid.UUID, session: SessionDep, _who: Operator
) -> SubscriptionOut:
    await _get_subscription(session, subscription_id)
    await session.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(status=webhooks.ACTIVE, consecutive_failures=0, paused_at=None)
    )
    return _subscription(await _get_subscription(session, subscription_id))


@router.delete("/v1/webhooks/subscriptions/{subscription_id}", tags=["webhooks"], status_code=204)
async def delete_subscription(
    subscription_id: uuid.UUID, session: SessionDep, _who: Operator
) -> Response:
    await _get_subscription(session, subscription_id)
    await session.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))
    return Response(status_code=204)


@router.get(
    "/v1/webhooks/subscriptions/{subscription_id}/deliveries",
    tags=["webhooks"],
    summary="A subscription's deliveries, newest first",
)
async def list_deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    _who: Operator,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    await _get_subscription(session, subscription_id)
    query = (
        select(deliveries)
        .where(deliveries.c.subscription_id == subscription_id)
        .order_by(deliveries.c.created_at.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(deliveries.c.status == status)
    return [_delivery(r) for r in (await session.execute(query)).all()]


async def _get_delivery(session: Any, delivery_id: str) -> Any:
    row = (await session.execute(select(deliveries).where(deliveries.c.id == delivery_id))).first()
    if row is None:
        raise NotFound(f"no webhook delivery {delivery_id}")
    return row


@router.get(
    "/v1/webhooks/deliveries/{delivery_id}",
    tags=["webhooks"],
    summary="One delivery with every attempt",
)
async def get_delivery(delivery_id: str, session: SessionDep, _who: Operator) -> DeliveryDetail:
    row = await _get_delivery(session, delivery_id)
    tried = (
        await session.execute(
            select(attempts).where(attempts.c.delivery_id == delivery_id).order_by(attempts.c.id)
        )
    ).all()
    return DeliveryDetail(
        **_delivery(row).model_dump(),
        attempt_log=[
            AttemptOut(
                number=a.number,
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in tried
        ],
    )


@router.post(
    "/v1/webhooks/deliveries/{delivery_id}/resend",
    tags=["webhooks"],
    status_code=202,
    summary="Send a delivery again now (same webhook-id; a fresh round of attempts)",
)
async def resend_delivery(delivery_id: str, session: SessionDep, _who: Operator) -> DeliveryOut:
    await _get_delivery(session, delivery_id)
    await session.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            status=webhooks.PENDING,
            attempts=0,
            next_attempt_at=datetime.now(UTC),
            delivered_at=None,
        )
    )
    notify_commit(session)
    return _delivery(await _get_delivery(session, delivery_id))


# ---- the operations page --------------------------------------------------------------
