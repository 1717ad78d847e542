"""Why a published ranking no longer matches its facts (pure: no database, no HTTP).

A ranking is stale exactly when the digest of its inputs differs from today's (see
`ranking.service`); these are the reasons an officer reads before publishing again. When
the inputs changed in a way none of the named reasons covers (a title, the scheme), the
one reason is `inputs_changed`, so a stale ranking always has at least one reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from nic_shared.events.scoring import RankingEntry, StaleFact, StaleReason
from nic_shared.scores import rounded

SCORABLE = "scorable"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Standing:
    """An application of the call as scoring holds it today."""

    status: str
    weighted_total: Decimal | None  # None: no panel result (yet, or any more)
    requested_amount_nok: int


def stale_facts(
    published: Sequence[RankingEntry],
    published_budget_nok: int,
    today: Mapping[UUID, Standing],
    budget_today_nok: int,
) -> list[StaleFact]:
    """What changed since publication, one fact per application, call-wide facts first."""
    facts: list[StaleFact] = []
    if budget_today_nok != published_budget_nok:
        facts.append(StaleFact(application_id=None, reason=StaleReason.BUDGET_CHANGED))
    for entry in published:
        reason = _changed(entry, today.get(entry.application_id))
        if reason is not None:
            facts.append(StaleFact(application_id=entry.application_id, reason=reason))
    ranked = {e.application_id for e in published}
    for application_id in sorted(today, key=str):
        now = today[application_id]
        if (
            application_id not in ranked
            and now.status == SCORABLE
            and now.weighted_total is not None
        ):
            facts.append(StaleFact(application_id=application_id, reason=StaleReason.NEWLY_SCORED))
    return facts


def _changed(entry: RankingEntry, now: Standing | None) -> StaleReason | None:
    if now is None or now.status == WITHDRAWN:
        return StaleReason.WITHDRAWN
    if now.status != SCORABLE:
        return StaleReason.NO_LONGER_ELIGIBLE
    if now.weighted_total is None:
        return StaleReason.RESULT_VOIDED
    # The published total is stored rounded; a change below the rounding is `inputs_changed`.
    if rounded(now.weighted_total) != rounded(entry.weighted_total):
        return StaleReason.RESULT_CHANGED
    if now.requested_amount_nok != entry.requested_amount_nok:
        return StaleReason.RESULT_CHANGED
    return None


def with_fallback(facts: list[StaleFact]) -> list[StaleFact]:
    """The facts, or `inputs_changed` when the digests differ and no named reason applies."""
    return facts or [StaleFact(application_id=None, reason=StaleReason.INPUTS_CHANGED)]
