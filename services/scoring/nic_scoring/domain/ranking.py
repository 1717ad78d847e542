"""A call's ranking and funding recommendation.

Order: weighted total, highest first; on equal totals the scheme's `tie_break` criteria in
priority order (higher mark first), then the earliest submission, then the application id —
a total order, so the same applications give the same ranking in whatever order they come.

Applications below any threshold are NOT_RECOMMENDED and get no rank.

Funding rule — strict rank order: walk the ranking and recommend each request in full while
it fits in what is left of the budget frame. The first request that does not fit, and every
application after it, goes to the reserve list in rank order, even when a later, smaller
request would fit. Jumping to a smaller one would fund a weaker application ahead of a
stronger one; the panel's order of merit decides, and what is left of the frame is reported
(`Ranking.unallocated_nok`) for the programme to use deliberately, e.g. by a partial grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from nic_scoring.domain.marks import Marks, require_every_criterion
from nic_scoring.domain.thresholds import check_thresholds
from nic_shared.events.scoring import FundingOutcome, RankingEntry
from nic_shared.events.specs import ScoringSchemeSpec


@dataclass(frozen=True)
class ScoredApplication:
    """An application's panel result together with what the ranking needs to fund it."""

    application_id: UUID
    marks: Marks
    weighted_total: Decimal
    requested_amount_nok: int
    submitted_at: datetime
    title: str = ""

    def __post_init__(self) -> None:
        if self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must carry a time zone to be compared")
        if self.requested_amount_nok < 0:
            raise ValueError("a requested amount cannot be negative")


@dataclass(frozen=True)
class Ranking:
    budget_frame_nok: int
    entries: tuple[RankingEntry, ...]

    @property
    def recommended_total_nok(self) -> int:
        return sum(e.requested_amount_nok for e in self.of(FundingOutcome.RECOMMENDED))

    @property
    def unallocated_nok(self) -> int:
        return self.budget_frame_nok - self.recommended_total_nok

    def of(self, outcome: FundingOutcome) -> list[RankingEntry]:
        """The entries with one outcome, in ranking order."""
        return [e for e in self.entries if e.outcome is outcome]


def rank_applications(
    scheme: ScoringSchemeSpec, applications: Iterable[ScoredApplication], budget_frame_nok: int
) -> Ranking:
    """Rank, apply thresholds and fund in strict rank order (see the module docstring).

    Each application's marks must name every criterion (InvalidMarksError otherwise).
    """
    if budget_frame_nok < 0:
        raise ValueError("the budget frame cannot be negative")
    given = list(applications)
    for app in given:
        require_every_criterion(scheme, app.marks)
    ordered = sorted(given, key=lambda a: _order_key(scheme, a))
    ids = [a.application_id for a in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("an application appears more than once")

    passing: list[ScoredApplication] = []
    failing: list[ScoredApplication] = []
    for app in ordered:
        passed = check_thresholds(scheme, app.marks, app.weighted_total).passed
        (passing if passed else failing).append(app)

    entries: list[RankingEntry] = []
    left = budget_frame_nok
    funding = True
    for rank, app in enumerate(passing, start=1):
        funding = funding and app.requested_amount_nok <= left
        if funding:
            left -= app.requested_amount_nok
        outcome = FundingOutcome.RECOMMENDED if funding else FundingOutcome.RESERVE
        entries.append(_entry(app, rank, outcome))
    entries.extend(_entry(app, None, FundingOutcome.NOT_RECOMMENDED) for app in failing)
    return Ranking(budget_frame_nok, tuple(entries))


def _order_key(
    scheme: ScoringSchemeSpec, app: ScoredApplication
) -> tuple[Decimal, tuple[Decimal, ...], datetime, str]:
    tie_marks = tuple(-app.marks[criterion_id] for criterion_id in scheme.tie_break)
    return (-app.weighted_total, tie_marks, app.submitted_at, str(app.application_id))


def _entry(app: ScoredApplication, rank: int | None, outcome: FundingOutcome) -> RankingEntry:
    return RankingEntry(
        application_id=app.application_id,
        title=app.title,
        rank=rank,
        weighted_total=app.weighted_total,
        requested_amount_nok=app.requested_amount_nok,
        outcome=outcome,
    )
