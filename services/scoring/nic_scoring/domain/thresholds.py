"""Funding thresholds: a minimum per criterion and a minimum weighted total, both optional.

A threshold is a floor: a mark equal to it passes. Comparisons use the exact values, never the
rounded display values, so 3.995 does not pass a threshold of 4 because it shows as "4.00".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nic_scoring.domain.marks import Marks
from nic_shared.events.specs import ScoringSchemeSpec

OVERALL = None
"""`ThresholdMiss.criterion_id` for the threshold on the weighted total."""


@dataclass(frozen=True)
class ThresholdMiss:
    """One threshold not reached: which (criterion id, or None for overall), needed, got."""

    criterion_id: str | None
    required: Decimal
    actual: Decimal

    @property
    def reason(self) -> str:
        what = "weighted total" if self.criterion_id is None else self.criterion_id
        return f"{what}: {self.actual} is below the threshold {self.required}"


@dataclass(frozen=True)
class ThresholdResult:
    misses: tuple[ThresholdMiss, ...]

    @property
    def passed(self) -> bool:
        return not self.misses

    @property
    def reasons(self) -> list[str]:
        return [miss.reason for miss in self.misses]


def check_thresholds(scheme: ScoringSchemeSpec, marks: Marks, total: Decimal) -> ThresholdResult:
    """Every criterion threshold (in scheme order), then the overall one; all misses listed."""
    misses = [
        ThresholdMiss(c.id, c.threshold, marks[c.id])
        for c in scheme.criteria
        if c.threshold is not None and marks[c.id] < c.threshold
    ]
    if scheme.overall_threshold is not None and total < scheme.overall_threshold:
        misses.append(ThresholdMiss(OVERALL, scheme.overall_threshold, total))
    return ThresholdResult(tuple(misses))
