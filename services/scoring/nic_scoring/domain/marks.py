"""Marks against a call's scoring scheme: validation, weighted total, aggregation, thresholds.

Arithmetic rule (one place, so every caller agrees): marks are summed, weighted and averaged
as exact fractions; a value becomes a Decimal only at the end, through `EXACT` (34
significant digits, half-even). Every result that can be written in 34 digits — all weighted
totals of scale marks, every median, every mean over 2, 4, 5, 8 or 10 reviewers — is
therefore exact; a mean such as 17/3 keeps 34 digits. Two applications whose exact totals are
equal always get the same Decimal, so ties are real ties. Round only for display (`display`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum
from fractions import Fraction

from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import ScoringSchemeSpec
from nic_shared.scores import rounded

EXACT = Context(prec=34, rounding=ROUND_HALF_EVEN)

Marks = Mapping[str, Decimal]
"""Marks by criterion id: one reviewer's, a consensus, or the panel's aggregate."""


class MarkRule(StrEnum):
    """The rule a mark breaks; stable values so an API can map them to messages."""

    MISSING = "missing"
    UNKNOWN_CRITERION = "unknown_criterion"
    DUPLICATE = "duplicate"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    OFF_STEP = "off_step"


@dataclass(frozen=True)
class MarkProblem:
    criterion_id: str
    rule: MarkRule
    detail: str


class InvalidMarksError(ValueError):
    """A set of marks breaks the scheme; `problems` lists every breach, not just the first."""

    def __init__(self, problems: Iterable[MarkProblem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(f"{p.criterion_id}: {p.rule} ({p.detail})" for p in self.problems)
        super().__init__(f"invalid marks: {listed}")


def to_decimal(value: Fraction) -> Decimal:
    """The one conversion from exact arithmetic to Decimal (see the module docstring)."""
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


display = rounded
"""A value rounded half-up for people to read (5.445 -> 5.45); never compare these."""


def validate_marks(scheme: ScoringSchemeSpec, marks: Iterable[CriterionMark]) -> dict[str, Decimal]:
    """One reviewer's marks by criterion id, or InvalidMarksError listing each problem.

    Every criterion needs exactly one mark, on the scale and on one of its steps.
    """
    known = {c.id for c in scheme.criteria}
    seen: dict[str, Decimal] = {}
    problems: list[MarkProblem] = []
    for mark in marks:
        if mark.criterion_id in seen:
            problems.append(MarkProblem(mark.criterion_id, MarkRule.DUPLICATE, "marked twice"))
            continue
        seen[mark.criterion_id] = mark.mark
        if mark.criterion_id in known:
            problems.extend(_scale_problems(scheme, mark.criterion_id, mark.mark))
    problems[:0] = _shape_problems(scheme, seen.keys())
    if problems:
        raise InvalidMarksError(problems)
    return {c.id: seen[c.id] for c in scheme.criteria}


def require_every_criterion(scheme: ScoringSchemeSpec, marks: Marks) -> None:
    """InvalidMarksError unless the marks name exactly the scheme's criteria (any values)."""
    problems = _shape_problems(scheme, marks.keys())
    if problems:
        raise InvalidMarksError(problems)


def weighted_total(scheme: ScoringSchemeSpec, marks: Marks) -> Decimal:
    """Sum of mark × weight / 100, exact. Marks may be aggregates, so steps are not checked."""
    require_every_criterion(scheme, marks)
    return to_decimal(exact_weighted_total(scheme, {k: Fraction(v) for k, v in marks.items()}))


def exact_weighted_total(scheme: ScoringSchemeSpec, marks: Mapping[str, Fraction]) -> Fraction:
    """The weighted total as a fraction, for callers that keep exact means."""
    return sum((marks[c.id] * c.weight for c in scheme.criteria), Fraction(0)) / 100


def exact_aggregate(
    scheme: ScoringSchemeSpec, reviews: Sequence[Iterable[CriterionMark]]
) -> dict[str, Fraction]:
    """Each criterion's mean or median (as the scheme says) over the reviewers, exact.

    Every review is validated first; one bad review rejects the aggregate.
    """
    if not reviews:
        raise ValueError("aggregation needs at least one review")
    validated = [validate_marks(scheme, review) for review in reviews]
    combine = _mean if scheme.aggregation == "mean" else _median
    return {c.id: combine([Fraction(r[c.id]) for r in validated]) for c in scheme.criteria}


def aggregate_marks(
    scheme: ScoringSchemeSpec, reviews: Sequence[Iterable[CriterionMark]]
) -> dict[str, Decimal]:
    """Each criterion's mean or median over the reviewers, as Decimal (see module docstring)."""
    return {k: to_decimal(v) for k, v in exact_aggregate(scheme, reviews).items()}


def as_criterion_marks(scheme: ScoringSchemeSpec, marks: Marks) -> list[CriterionMark]:
    """Marks in the scheme's criterion order, the shape the events carry."""
    return [CriterionMark(criterion_id=c.id, mark=marks[c.id]) for c in scheme.criteria]


def _shape_problems(scheme: ScoringSchemeSpec, given: Iterable[str]) -> list[MarkProblem]:
    known = [c.id for c in scheme.criteria]
    present = set(given)
    missing = [
        MarkProblem(cid, MarkRule.MISSING, "no mark given") for cid in known if cid not in present
    ]
    unknown = [
        MarkProblem(cid, MarkRule.UNKNOWN_CRITERION, "not a criterion of this call")
        for cid in sorted(present - set(known))
    ]
    return missing + unknown


def _scale_problems(
    scheme: ScoringSchemeSpec, criterion_id: str, mark: Decimal
) -> list[MarkProblem]:
    scale = scheme.scale
    if not mark.is_finite():
        return [MarkProblem(criterion_id, MarkRule.NOT_A_NUMBER, f"{mark} is not a mark")]
    if not scale.min <= mark <= scale.max:
        detail = f"{mark} is outside {scale.min}–{scale.max}"
        return [MarkProblem(criterion_id, MarkRule.OUT_OF_RANGE, detail)]
    if not scale.allows(mark):
        detail = f"{mark} is not on a step of {scale.step} from {scale.min}"
        return [MarkProblem(criterion_id, MarkRule.OFF_STEP, detail)]
    return []


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
