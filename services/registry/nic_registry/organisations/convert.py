"""Organisation rows to the domain's Organisation, and to the HTTP model."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from nic_registry.domain import keys
from nic_registry.domain.brreg import BrregEntity
from nic_registry.domain.org_forms import classify
from nic_registry.domain.organisations import Organisation as DomainOrganisation
from nic_registry.domain.periods import Period
from nic_registry.domain.sme import SmeFigures, sme_class
from nic_registry.models import BusinessNetworkPeriod, Organisation
from nic_registry.organisations.schemas import OrganisationOut, SmeOut
from nic_shared.contracts.registry_facts import Sector


def entity(row: Organisation) -> BrregEntity | None:
    """The Enhetsregisteret facts held (by lookup or by hand); None for a foreign organisation."""
    if row.org_number is None:
        return None
    return BrregEntity(
        org_number=row.org_number,
        name=row.name,
        org_form_code=row.org_form_code,
        org_form_description=row.org_form_description,
        sector_code=row.sector_code,
        registered_in_foretaksregisteret=row.registered_in_foretaksregisteret,
        bankrupt=row.bankrupt,
        winding_up=row.winding_up,
        deleted=row.deleted,
        deleted_on=row.deleted_on,
        nace_codes=tuple(row.nace_codes or ()),
        employees=row.employees,
        parent_org_number=row.parent_org_number,
        in_group=row.in_group,
        founded_on=row.founded_on,
    )


def figures(row: Organisation) -> SmeFigures | None:
    if row.headcount_awu is None and row.turnover_nok is None and row.balance_sheet_nok is None:
        return None
    return SmeFigures(row.headcount_awu, row.turnover_nok, row.balance_sheet_nok)


def to_domain(
    row: Organisation, business_network: Iterable[BusinessNetworkPeriod] = ()
) -> DomainOrganisation:
    return DomainOrganisation(
        key=row.key,
        name=row.name,
        brreg=entity(row),
        sme_figures=figures(row),
        research_whitelisted=row.research_declared,
        business_network=tuple(Period(p.valid_from, p.valid_to) for p in business_network),
    )


def to_out(row: Organisation, nok_per_eur: Decimal, *, financials: bool) -> OrganisationOut:
    """`financials`: the caller may read the SME figures (see access.sees_financials)."""
    c = classify(row.org_form_code, row.sector_code)
    sector = c.sector
    if keys.is_foreign(row.key) and sector is Sector.UNKNOWN:
        sector = Sector.FOREIGN
    return OrganisationOut(
        key=row.key,
        org_number=row.org_number,
        foreign_country=row.country,
        foreign_id=row.foreign_id,
        name=row.name,
        org_form_code=row.org_form_code,
        org_form_description=row.org_form_description,
        sector=sector,
        sector_code=row.sector_code,
        public=c.public,
        public_controlled=c.public_controlled,
        registered_in_foretaksregisteret=row.registered_in_foretaksregisteret,
        bankrupt=row.bankrupt,
        winding_up=row.winding_up,
        deleted=row.deleted,
        deleted_on=row.deleted_on,
        nace_codes=list(row.nace_codes or []),
        employees=row.employees,
        parent_org_number=row.parent_org_number,
        in_group=row.in_group,
        founded_on=row.founded_on,
        research_organisation_declared=row.research_declared,
        research_organisation=to_domain(row).research_organisation(),
        sme=SmeOut(
            sme_class=sme_class(figures(row), nok_per_eur, public_controlled=c.public_controlled),
            headcount_awu=row.headcount_awu if financials else None,
            turnover_nok=row.turnover_nok if financials else None,
            balance_sheet_nok=row.balance_sheet_nok if financials else None,
            figures_year=row.figures_year if financials else None,
        ),
        source=row.source,
        brreg_fetched_at=row.brreg_fetched_at,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
