"""Operations endpoints every service carries (`/v1/ops/...`, role operations or programme officer).

- dead letters (`ops_dead_letters`): list, inspect, replay one or in bulk, every replay
  audited in `ops_audit`; one that is not an event is discarded (`ops_discard`, audited);
- events and status (`ops_events`): this service's part of an entity's trail, and its
  outbox backlog, consumer lag and dead letters.

What they share is in `ops_common` (who may call, the audit table, event type names), the
answers in `ops_schemas`. This module puts the routes under one router and keeps the names
other modules import from here.

The audit table comes from `messaging_tables.create_ops_tables(op)` in a service migration.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nic_shared import ops_dead_letters, ops_discard, ops_events
from nic_shared.ops_common import OPS_AUDIT, Operator, resolve_types, short_type
from nic_shared.ops_schemas import (
    MAX_BULK_REPLAY,
    AuditEntry,
    ConsumedEvent,
    DeadLetterDetail,
    DeadLetterPage,
    DeadLetterSummary,
    EventTrail,
    OpsStatus,
    PartitionLag,
    PublishedEvent,
    ReplayRequest,
    ReplayResult,
)

__all__ = [
    "MAX_BULK_REPLAY",
    "OPS_AUDIT",
    "AuditEntry",
    "ConsumedEvent",
    "DeadLetterDetail",
    "DeadLetterPage",
    "DeadLetterSummary",
    "EventTrail",
    "Operator",
    "OpsStatus",
    "PartitionLag",
    "PublishedEvent",
    "ReplayRequest",
    "ReplayResult",
    "resolve_types",
    "router",
    "short_type",
]

_P: dict[str, Any] = {"content": {"application/problem+json": {}}}
router = APIRouter(
    prefix="/v1/ops",
    tags=["operations"],
    responses={
        401: {"description": "No valid token", **_P},
        403: {"description": "Not operations or a programme officer", **_P},
    },
)
router.include_router(ops_dead_letters.router)
router.include_router(ops_discard.router)
router.include_router(ops_events.router)
