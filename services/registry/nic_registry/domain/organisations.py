"""What the registry holds about one organisation, beside its memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nic_registry.domain import keys
from nic_registry.domain.brreg import BrregEntity
from nic_registry.domain.periods import Period, ensure_no_overlap
from nic_registry.domain.sme import SmeFigures

#: SN2007 prefixes of R&D (72.1, 72.2) and higher education (85.4); re-check against SN2025.
RESEARCH_NACE_PREFIXES: tuple[str, ...] = ("72.1", "72.2", "85.4")


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation known to the registry.

    `brreg` is the latest Enhetsregisteret lookup (None for foreign organisations or before
    the first lookup); `sme_figures` are declared, since Brreg has no accounts; research
    status cannot come from the organisation form, so a whitelist flag backs up NACE codes.
    """

    key: str
    name: str
    brreg: BrregEntity | None = None
    sme_figures: SmeFigures | None = None
    research_whitelisted: bool = False
    business_network: tuple[Period, ...] = ()

    def __post_init__(self) -> None:
        if not keys.is_foreign(self.key):
            keys.norwegian_key(self.key)
        if self.brreg is not None and self.brreg.org_number != self.key:
            raise ValueError("the Brreg entity describes another organisation")
        ensure_no_overlap(self.business_network, "business-network customer")

    @property
    def foreign(self) -> bool:
        return keys.is_foreign(self.key)

    def research_organisation(self) -> bool:
        """Whitelisted, or main NACE code in R&D or higher education."""
        if self.research_whitelisted:
            return True
        nace = self.brreg.nace_codes if self.brreg is not None else ()
        return bool(nace) and nace[0].startswith(RESEARCH_NACE_PREFIXES)

    def business_network_customer_at(self, day: date) -> bool:
        return any(p.covers(day) for p in self.business_network)
