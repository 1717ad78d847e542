"""Calendar dates a client may send: within years a grant, a membership or an activity can
fall in, so year 0001 or 9999 is a typing error refused at the edge (422 naming the field),
not a period that breaks reports and level caps later."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

PlausibleDate = Annotated[
    date,
    Field(ge=EARLIEST, le=LATEST, description="A date from 1900-01-01 to 2100-12-31."),
]


def not_before(end: date | None, start: date | None, start_name: str) -> date | None:
    """`end` when it is on or after `start` (either may be missing); a ValueError otherwise."""
    if end is not None and start is not None and end < start:
        raise ValueError(f"must be on or after {start_name} ({start.isoformat()})")
    return end
