"""One handler per consumed event type."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from nic_eligibility.assessments.flow import AssessmentFlow
from nic_eligibility.models import CallRuleSet
from nic_shared.consumer import Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.intake import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CallDeadlineExtended,
    CallPublished,
)

log = logging.getLogger(__name__)


async def on_call_published(
    session: AsyncSession, call: CallPublished, _event: CloudEvent, _context: Any
) -> None:
    """Keep our own copy of the call's rule set (a later CallPublished replaces it)."""
    await session.merge(
        CallRuleSet(
            call_id=call.call_id,
            code=call.code,
            scheme=call.scheme.value,
            deadline=call.deadline,
            rule_set=call.rule_set.model_dump(mode="json"),
            updated_at=datetime.now(UTC),
        )
    )


async def on_deadline_extended(
    session: AsyncSession, change: CallDeadlineExtended, _event: CloudEvent, _context: Any
) -> None:
    """Intake accepts submissions until the new deadline; the deadline rule must agree."""
    row = await session.get(CallRuleSet, change.call_id)
    if row is None:  # the call was never published to us: nothing to extend
        log.warning("deadline extended for an unknown call", extra={"call_id": str(change.call_id)})
        return
    row.deadline = change.deadline
    row.updated_at = datetime.now(UTC)


def subscriptions(flow: AssessmentFlow) -> list[Subscription[Any]]:
    return [
        Subscription(CallPublished, on_call_published),
        Subscription(CallDeadlineExtended, on_deadline_extended),
        Subscription(ApplicationSubmitted, flow.on_submitted, prepare=flow.prepare_submitted),
        Subscription(ApplicationWithdrawn, flow.on_withdrawn),
    ]
