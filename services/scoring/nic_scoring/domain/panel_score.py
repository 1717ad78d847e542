"""An application's panel score: aggregated (or consensus) marks, weighted total, thresholds.

This is what `PanelScored` reports and what the ranking reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nic_scoring.domain.marks import (
    exact_aggregate,
    exact_weighted_total,
    to_decimal,
    validate_marks,
    weighted_total,
)
from nic_scoring.domain.thresholds import ThresholdResult, check_thresholds
from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import ScoringSchemeSpec


@dataclass(frozen=True)
class PanelScore:
    marks: dict[str, Decimal]
    weighted_total: Decimal
    thresholds: ThresholdResult
    by_consensus: bool

    @property
    def passed_thresholds(self) -> bool:
        return self.thresholds.passed


def score_reviews(
    scheme: ScoringSchemeSpec, reviews: Sequence[Iterable[CriterionMark]]
) -> PanelScore:
    """Aggregate the reviewers' marks; the total comes from the exact aggregates.

    Computing the total from exact means (not from their 34-digit Decimals) keeps equal
    totals equal, whatever mix of marks produced them.
    """
    exact = exact_aggregate(scheme, reviews)
    marks = {k: to_decimal(v) for k, v in exact.items()}
    total = to_decimal(exact_weighted_total(scheme, exact))
    return PanelScore(marks, total, check_thresholds(scheme, marks, total), by_consensus=False)


def score_consensus(scheme: ScoringSchemeSpec, marks: Iterable[CriterionMark]) -> PanelScore:
    """The panel's one agreed set of marks, validated like a single review."""
    agreed = validate_marks(scheme, marks)
    total = weighted_total(scheme, agreed)
    return PanelScore(agreed, total, check_thresholds(scheme, agreed, total), by_consensus=True)
