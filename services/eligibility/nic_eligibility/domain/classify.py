"""What kind of participant an organisation is, from registry facts and its declared role.

The registry maps organisation form and sector code to a Sector (REFERENCE.md §1.4-1.5).
Research is never inferred from the form: many research institutes are foundations (STI),
so only the registry's research flag or the declared role says "research".
"""

from __future__ import annotations

from nic_shared.contracts.registry_facts import OrganisationFacts, Sector, SmeClass
from nic_shared.events.intake import Partner, PartnerRole

PUBLIC_BODY_SECTORS = frozenset(
    {
        Sector.PUBLIC_STATE,
        Sector.PUBLIC_MUNICIPAL,
        Sector.PUBLIC_COUNTY,
        Sector.PUBLIC_ENTERPRISE,
        Sector.PUBLIC_OTHER,
    }
)
"""Public bodies and public enterprises (SF, KF, FKF, IKS): "offentlige aktører / foretak"."""

COMPANY_SECTORS = frozenset(
    {
        Sector.PRIVATE_COMPANY,
        Sector.PRIVATE_SOLE_PROPRIETOR,
        Sector.PRIVATE_PARTNERSHIP,
        Sector.PRIVATE_COOPERATIVE,
        Sector.PRIVATE_FINANCIAL,
        Sector.PRIVATE_OTHER,
        Sector.PUBLIC_CONTROLLED_COMPANY,
        Sector.FOREIGN,
    }
)
"""Sectors of undertakings that run a business ("bedrifter"), whoever owns them."""

SME_CLASSES = frozenset({SmeClass.MICRO, SmeClass.SMALL, SmeClass.MEDIUM})


def is_foreign(partner: Partner | None) -> bool:
    """A partner identified by country and foreign id (key `CC:id`)."""
    return partner is not None and partner.foreign_country is not None


def role_of(partner: Partner | None) -> PartnerRole | None:
    return partner.role if partner is not None else None


def is_research(partner: Partner | None, facts: OrganisationFacts) -> bool:
    """An R&D or education institution: by the registry's flag or the declared role."""
    return facts.research_organisation or role_of(partner) is PartnerRole.RESEARCH_ORGANISATION


def is_public_body(partner: Partner | None, facts: OrganisationFacts) -> bool:
    """A public body or public enterprise, by sector or by the declared role."""
    return facts.sector in PUBLIC_BODY_SECTORS or role_of(partner) is PartnerRole.PUBLIC_ACTOR


def is_public_controlled(facts: OrganisationFacts) -> bool:
    """A company where public bodies hold 25 % or more (sector codes 1110/1120/1510/1520)."""
    return facts.sector is Sector.PUBLIC_CONTROLLED_COMPANY


def is_company(partner: Partner | None, facts: OrganisationFacts) -> bool:
    """An undertaking that is neither research nor public body.

    A foreign partner the registry does not know is taken as the company it declares to be:
    Brønnøysund has no facts on it, and the rules never fund it anyway.
    """
    if is_research(partner, facts) or is_public_body(partner, facts):
        return False
    if facts.sector in COMPANY_SECTORS:
        return True
    return is_foreign(partner) and facts.sector is Sector.UNKNOWN


def is_sme(partner: Partner | None, facts: OrganisationFacts) -> bool:
    """SME by the registry's class; else by the declaration, which public control overrides.

    Undeclared and unknown counts as not SME: the share of SMEs must be shown, not assumed.
    """
    if facts.sme_class is not SmeClass.UNKNOWN:
        return facts.sme_class in SME_CLASSES
    if is_public_controlled(facts):
        return False
    return bool(partner is not None and partner.declared_sme)


def size_class(partner: Partner | None, facts: OrganisationFacts) -> SmeClass:
    """Size for aid caps: micro counts as small; a declared SME of unknown size as medium."""
    size = facts.sme_class
    if size is SmeClass.UNKNOWN:
        size = SmeClass.MEDIUM if is_sme(partner, facts) else SmeClass.LARGE
    return SmeClass.SMALL if size is SmeClass.MICRO else size
