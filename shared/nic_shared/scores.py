"""Scores people read: marks, means and weighted totals as fixed two-decimal strings.

Arithmetic stays exact (scoring computes with fractions and stores unrounded text); only what
leaves a service is rounded, half-up to two decimals (5.445 -> "5.45", 6.0833… -> "6.08").
Strings, not JSON numbers, so no client turns "6.10" into a binary float. Ranking order is
always decided on the unrounded values: two totals shown as "6.08" may rank apart.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

PLACES = 2
PATTERN = r"^-?\d+\.\d{2}$"


def rounded(value: Decimal, places: int = PLACES) -> Decimal:
    """`value` rounded half-up (two decimals unless told), for reading only; never compare these."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def score_text(value: Decimal) -> str:
    """The fixed two-decimal text of a score: `Decimal("6")` -> "6.00"."""
    return format(rounded(value), "f")


Score = Annotated[
    Decimal,
    PlainSerializer(score_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": PATTERN,
            "examples": ["6.08"],
            "description": "Rounded half-up to two decimals, as text.",
        },
        mode="serialization",
    ),
]
"""A score in an API body, an event or an export: exact in Python, two decimals on the wire."""
