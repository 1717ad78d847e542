"""What a granted admission decision gives a cluster: which period, from when, to when.

Terms (PROGRAMME.md §1): Arena up to 3 years, Arena Pro 5 years; GCE and the NCE brand
have no term in the programme, so their periods stay open until an officer ends them;
mature qualification runs one year and is renewed by a new decision (clusters.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nic_registry.domain.clusters import mature_qualification
from nic_registry.domain.periods import Period, years_from
from nic_shared.contracts.registry_facts import ClusterLevel
from nic_shared.events.intake import AdmissionKind

LEVEL_TERM_YEARS = {ClusterLevel.ARENA: 3, ClusterLevel.ARENA_PRO: 5}
"""The longest a cluster may hold a level; GCE has none."""

_LEVEL_OF = {
    AdmissionKind.ARENA: ClusterLevel.ARENA,
    AdmissionKind.ARENA_PRO: ClusterLevel.ARENA_PRO,
    AdmissionKind.GCE: ClusterLevel.GCE,
}


@dataclass(frozen=True, slots=True)
class AdmissionTerm:
    kind: str  # level | nce | mature (the registry's period kinds)
    level: ClusterLevel | None
    period: Period


def admission_term(admission: AdmissionKind, start: date) -> AdmissionTerm:
    """The period a granted admission of this kind starting on `start` creates."""
    if admission is AdmissionKind.NCE_BRAND:
        return AdmissionTerm("nce", None, Period(start, None))
    if admission is AdmissionKind.MATURE_QUALIFICATION:
        return AdmissionTerm("mature", None, mature_qualification(start))
    level = _LEVEL_OF[admission]
    years = LEVEL_TERM_YEARS.get(level)
    end = years_from(start, years) if years is not None else None
    return AdmissionTerm("level", level, Period(start, end))
