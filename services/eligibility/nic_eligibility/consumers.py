"""One handler per consumed event type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from nic_eligibility.models import CallRuleSet
from nic_shared.consumer import Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.intake import CallPublished


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


SUBSCRIPTIONS: list[Subscription[Any]] = [Subscription(CallPublished, on_call_published)]
