"""The review window: reviews may be saved or submitted from `opens_at` until `closes_at`.

Both are instants (stored in UTC, set and shown in Europe/Oslo); `opens_at` is inclusive and
`closes_at` exclusive, like the call's deadline: at the closing instant it is already closed.
An unset bound does not limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_text(instant: datetime) -> str:
    """An instant as people in the programme read it: Oslo wall time with its offset."""
    return instant.astimezone(OSLO).isoformat(timespec="minutes")


class WindowRule(StrEnum):
    NOT_OPEN = "review-window-not-open"
    CLOSED = "review-window-closed"


def outside_window(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> WindowRule | None:
    """Which rule `now` breaks, or None when reviews are allowed."""
    if opens_at is not None and now < opens_at:
        return WindowRule.NOT_OPEN
    if closes_at is not None and now >= closes_at:
        return WindowRule.CLOSED
    return None


def reminder_due(closes_at: datetime | None, days_before: int | None, now: datetime) -> bool:
    """Reminders go from `days_before` days before the close until the close itself."""
    if closes_at is None or days_before is None:
        return False
    return closes_at - timedelta(days=days_before) <= now < closes_at
