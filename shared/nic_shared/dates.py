"""Calendar dates a client may send: within years a grant, a membership or an activity can
fall in, so year 0001 or 9999 is a typing error refused at the edge (422 naming the field),
not a period that breaks reports and level caps later."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field
from pydantic_core import PydanticCustomError

from nic_shared.patterns import PLAUSIBLE_DATE

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

PlausibleDate = Annotated[
    date,
    Field(
        ge=EARLIEST,
        le=LATEST,
        description="A date from 1900-01-01 to 2100-12-31.",
        json_schema_extra={"pattern": PLAUSIBLE_DATE},
    ),
]


ORDER_RULE = "end-before-start"
"""The rule of a period's end before its start: JSON Schema cannot compare two fields, so
each operation with such a pair says it in its schema's description instead."""


def out_of_order(message: str) -> PydanticCustomError:
    """The validation error (rule `end-before-start`) for an end before its start."""
    return PydanticCustomError(ORDER_RULE, message)


def not_before(end: date | None, start: date | None, start_name: str) -> date | None:
    """`end` when it is on or after `start` (either may be missing); the order error otherwise."""
    if end is not None and start is not None and end < start:
        raise out_of_order(f"must be on or after {start_name} ({start.isoformat()})")
    return end
