"""State-aid arithmetic: GBER intensity caps as dated data, de minimis shares, integers only.

The caps table encodes REFERENCE.md §5 / §8 with these simplifications, all on purpose:

* Art. 25 (R&D): the application does not say which R&D category it is, so every project
  is taken as *experimental development* (small 45 %, medium 35 %, large 25 %), with the
  +15 pp "effective collaboration" bonus of Art. 25(6)(b)(i) (capped at 80 %) when at
  least two undertakings bear costs, one of them an SME, and none bears more than 70 %.
  The research-organisation and dissemination variants, and the 2023 points (c)/(d), are
  not modelled.
* Art. 27 (clusters): 50 % for everyone; the regional bonus and the "cluster organisation
  only" recipient rule are not modelled.
* Art. 29 (process and organisational innovation): SME 50 %; large 15 % only when SMEs
  bear at least 30 % of the eligible costs, otherwise 0 %.
* Art. 49 (environmental studies): 50/60/70 % (large/medium/small) before the 2023
  amendment (Reg. 2023/1315), 60/70/80 % from its EU date 1 July 2023. When the EEA
  incorporation date is known, change `effective_from`, not code.
* Caps apply per beneficiary; the project's ceiling is the sum of cap x own costs.
* Size comes from `classify.size_class`: micro counts as small, unknown as large.

Because these are simplifications, a cap breach is a soft failure (manual review).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from nic_shared.contracts.registry_facts import SmeClass
from nic_shared.events.intake import AidBasis


@dataclass(frozen=True)
class IntensityCaps:
    """One GBER article's caps in percent, valid from a date until the next row."""

    basis: AidBasis
    effective_from: date
    small: int
    medium: int
    large: int
    collaboration_bonus: int = 0
    ceiling: int = 100
    large_needs_sme_cost_share: int | None = None

    def cap(self, size: SmeClass, *, collaboration: bool, sme_cost_share: bool) -> int:
        """The percent a beneficiary of this size may receive under this article."""
        needs_smes = self.large_needs_sme_cost_share is not None
        if size is SmeClass.LARGE and needs_smes and not sme_cost_share:
            return 0
        base = {SmeClass.SMALL: self.small, SmeClass.MEDIUM: self.medium}.get(size, self.large)
        bonus = self.collaboration_bonus if collaboration else 0
        return min(base + bonus, self.ceiling)


GBER_START = date(2014, 7, 1)

GBER_CAPS: tuple[IntensityCaps, ...] = (
    IntensityCaps(AidBasis.GBER_25, GBER_START, 45, 35, 25, collaboration_bonus=15, ceiling=80),
    IntensityCaps(AidBasis.GBER_27, GBER_START, 50, 50, 50),
    IntensityCaps(AidBasis.GBER_29, GBER_START, 50, 50, 15, large_needs_sme_cost_share=30),
    IntensityCaps(AidBasis.GBER_49, GBER_START, 70, 60, 50),
    IntensityCaps(AidBasis.GBER_49, date(2023, 7, 1), 80, 70, 60),
)


def caps_for(
    basis: AidBasis, on: date, table: tuple[IntensityCaps, ...] = GBER_CAPS
) -> IntensityCaps:
    """The row in force on a date; LookupError when the article has none then."""
    rows = [r for r in table if r.basis is basis and r.effective_from <= on]
    if not rows:
        raise LookupError(f"no intensity caps for {basis} on {on}")
    return max(rows, key=lambda r: r.effective_from)


def effective_collaboration(costs: Mapping[str, int], smes: frozenset[str]) -> bool:
    """Art. 25(6)(b)(i): two or more undertakings, one an SME, none above 70 % of costs."""
    bearers = {key: cost for key, cost in costs.items() if cost > 0}
    total = sum(bearers.values())
    return (
        len(bearers) >= 2
        and bool(smes & bearers.keys())
        and all(cost * 100 <= 70 * total for cost in bearers.values())
    )


def sme_cost_share_at_least(costs: Mapping[str, int], smes: frozenset[str], percent: int) -> bool:
    """True when the SMEs together bear at least `percent` of the eligible costs."""
    total = sum(costs.values())
    sme_cost = sum(cost for key, cost in costs.items() if key in smes)
    return total > 0 and sme_cost * 100 >= percent * total


def de_minimis_share_exceeds(grant: int, cost: int, total: int, headroom: int | None) -> bool:
    """True when a participant's share of the grant (grant x cost / total) exceeds its headroom.

    The share is the grant split in proportion to the participant's budget lines; comparing
    grant x cost with headroom x total keeps it exact without rounding.
    """
    if cost == 0:
        return False
    if headroom is None:
        return True
    return grant * cost > headroom * total


def intensity_text(amount: int, base: int) -> str:
    """A percentage for messages, one decimal, without floats (e.g. "50.1")."""
    if base == 0:
        return "-"
    tenths = (amount * 1000 + base // 2) // base
    return f"{tenths // 10}.{tenths % 10}"
