"""A cluster's programme history and what it means at a date (PROGRAMME.md §1, REFERENCE.md §6).

Levels (Arena, Arena Pro, GCE) never overlap; NCE is a brand held in periods beside the
level; mature-cluster qualification runs a year at a time and is renewed; ESCA labels expire.
Everything eligibility asks about a cluster is derived here from those periods and a date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from nic_registry.domain.errors import InvalidPeriod
from nic_registry.domain.periods import Period, ensure_no_overlap, one_year_from
from nic_shared import orgnr
from nic_shared.contracts.registry_facts import ClusterLevel, NicStatus


class EscaGrade(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


_GRADE_RANK = {EscaGrade.BRONZE: 1, EscaGrade.SILVER: 2, EscaGrade.GOLD: 3}


@dataclass(frozen=True, slots=True)
class LevelPeriod:
    level: ClusterLevel
    period: Period


@dataclass(frozen=True, slots=True)
class EscaLabel:
    """An ESCA cluster-management label, valid from its award through `valid_until`."""

    grade: EscaGrade
    awarded: date
    valid_until: date

    def __post_init__(self) -> None:
        if self.valid_until < self.awarded:
            raise InvalidPeriod(f"ESCA label expires ({self.valid_until}) before its award")

    def valid_at(self, day: date) -> bool:
        return self.awarded <= day <= self.valid_until


def mature_qualification(valid_from: date) -> Period:
    """One year of mature-cluster qualification starting on `valid_from` (renewed yearly)."""
    return Period(valid_from, one_year_from(valid_from))


@dataclass(frozen=True, slots=True)
class ClusterHistory:
    """A cluster with its programme periods; construction refuses overlaps and impossible terms."""

    cluster_id: UUID
    name: str
    facilitator_org_number: str
    levels: tuple[LevelPeriod, ...] = ()
    nce: tuple[Period, ...] = ()
    mature: tuple[Period, ...] = ()
    esca: tuple[EscaLabel, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a cluster needs a name")
        orgnr.validate(self.facilitator_org_number)
        ensure_no_overlap((lp.period for lp in self.levels), "cluster level")
        ensure_no_overlap(self.nce, "NCE brand")
        for period in self.mature:
            if period.valid_to is None or period.valid_to > one_year_from(period.valid_from):
                raise InvalidPeriod("mature qualification lasts at most one year; renew it yearly")
        ensure_no_overlap(self.mature, "mature qualification")

    # -- changes: each returns a new, validated history -------------------------------------

    def with_level(self, level: ClusterLevel, period: Period) -> ClusterHistory:
        """Add a level period; PeriodConflict if it overlaps one already held."""
        return dataclasses.replace(self, levels=(*self.levels, LevelPeriod(level, period)))

    def with_nce(self, period: Period) -> ClusterHistory:
        return dataclasses.replace(self, nce=(*self.nce, period))

    def with_mature_qualification(self, valid_from: date) -> ClusterHistory:
        """Qualify (or renew) as mature for one year from `valid_from`."""
        return dataclasses.replace(self, mature=(*self.mature, mature_qualification(valid_from)))

    def with_esca(self, label: EscaLabel) -> ClusterHistory:
        return dataclasses.replace(self, esca=(*self.esca, label))

    # -- what holds at a date ---------------------------------------------------------------

    def level_at(self, day: date) -> ClusterLevel | None:
        return next((lp.level for lp in self.levels if lp.period.covers(day)), None)

    def nce_brand_at(self, day: date) -> bool:
        return any(p.covers(day) for p in self.nce)

    def formerly_nce_at(self, day: date) -> bool:
        """True when an NCE period ended before `day` (the brand and its base support)."""
        return any(p.ended_before(day) for p in self.nce)

    def base_support_at(self, day: date) -> bool:
        """Arena, Arena Pro, GCE or NCE at the date: the clusters that receive base support."""
        return self.level_at(day) is not None or self.nce_brand_at(day)

    def nic_status_at(self, day: date) -> NicStatus:
        """ACTIVE if a level or NCE period covers the date, FORMER if one ended before it."""
        periods = [lp.period for lp in self.levels] + list(self.nce)
        if any(p.covers(day) for p in periods):
            return NicStatus.ACTIVE
        if any(p.ended_before(day) for p in periods):
            return NicStatus.FORMER
        return NicStatus.NEVER

    def mature_qualified_at(self, day: date) -> bool:
        return any(p.covers(day) for p in self.mature)

    def esca_label_at(self, day: date) -> EscaGrade | None:
        """The highest ESCA grade whose label is valid at the date, or None."""
        valid = [label.grade for label in self.esca if label.valid_at(day)]
        return max(valid, key=_GRADE_RANK.__getitem__, default=None)
