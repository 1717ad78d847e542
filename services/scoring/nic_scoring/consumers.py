"""One handler per consumed event type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring.models import CallScheme
from nic_shared.consumer import Subscription
from nic_shared.events import CloudEvent
from nic_shared.events.intake import CallPublished


async def on_call_published(
    session: AsyncSession, call: CallPublished, _event: CloudEvent, _context: Any
) -> None:
    """Keep our own copy of the call's scoring scheme and budget frame."""
    await session.merge(
        CallScheme(
            call_id=call.call_id,
            code=call.code,
            scheme=call.scheme.value,
            deadline=call.deadline,
            budget_frame_nok=call.budget_frame_nok,
            scoring_scheme=call.scoring_scheme.model_dump(mode="json"),
            updated_at=datetime.now(UTC),
        )
    )


SUBSCRIPTIONS: list[Subscription[Any]] = [Subscription(CallPublished, on_call_published)]
