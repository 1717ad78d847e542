"""Assemble the registry's facts response (registry_facts contract) for a date, purely."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from uuid import UUID

from nic_registry.domain import keys
from nic_registry.domain.clusters import ClusterHistory
from nic_registry.domain.memberships import Membership, member_of_current_or_former_nic_cluster
from nic_registry.domain.org_forms import classify
from nic_registry.domain.organisations import Organisation
from nic_registry.domain.sme import sme_class
from nic_shared.contracts.registry_facts import (
    ClusterFacts,
    MembershipFact,
    OrganisationFacts,
    Sector,
)


def cluster_facts(cluster: ClusterHistory, day: date) -> ClusterFacts:
    """Everything eligibility asks about a cluster, as it stood on `day`."""
    esca = cluster.esca_label_at(day)
    return ClusterFacts(
        cluster_id=cluster.cluster_id,
        name=cluster.name,
        facilitator_org_number=cluster.facilitator_org_number,
        level=cluster.level_at(day),
        nic_status=cluster.nic_status_at(day),
        base_support=cluster.base_support_at(day),
        nce_brand=cluster.nce_brand_at(day),
        formerly_nce=cluster.formerly_nce_at(day),
        mature_qualified=cluster.mature_qualified_at(day),
        esca_label=esca.value if esca is not None else None,
    )


def membership_facts(
    memberships: Iterable[Membership],
    clusters: Mapping[UUID, ClusterHistory],
    organisation_key: str,
    day: date,
) -> list[MembershipFact]:
    """The organisation's memberships begun on or before `day`, oldest first.

    Every membership's cluster must be in `clusters`: a missing one is a data error (KeyError).
    """
    own = sorted(
        (
            m
            for m in memberships
            if m.organisation_key == organisation_key and m.period.started_on_or_before(day)
        ),
        key=lambda m: (m.period.valid_from, str(m.cluster_id)),
    )
    return [
        MembershipFact(
            cluster_id=m.cluster_id,
            cluster_name=clusters[m.cluster_id].name,
            actor_type=m.actor_type,
            valid_from=m.period.valid_from,
            valid_to=m.period.valid_to,
            member_at_date=m.member_at(day),
            cluster_status_at_date=clusters[m.cluster_id].nic_status_at(day),
        )
        for m in own
    ]


def organisation_facts(
    key: str,
    day: date,
    organisation: Organisation | None,
    memberships: Iterable[Membership],
    clusters: Mapping[UUID, ClusterHistory],
    nok_per_eur: Decimal,
) -> OrganisationFacts:
    """Facts about one organisation on `day`; `known=False` when the registry holds nothing."""
    own = [m for m in memberships if m.organisation_key == key]
    nic_tie = member_of_current_or_former_nic_cluster(own, clusters, key, day)
    membership_list = membership_facts(own, clusters, key, day)
    if organisation is None:
        return OrganisationFacts(
            key=key,
            known=False,
            sector=Sector.FOREIGN if keys.is_foreign(key) else Sector.UNKNOWN,
            memberships=membership_list,
            member_of_current_or_former_nic_cluster=nic_tie,
        )

    brreg = organisation.brreg
    form_code = brreg.org_form_code if brreg is not None else None
    sector_code = brreg.sector_code if brreg is not None else None
    classification = classify(form_code, sector_code)
    sector = classification.sector
    if organisation.foreign and sector is Sector.UNKNOWN:
        sector = Sector.FOREIGN
    return OrganisationFacts(
        key=key,
        known=True,
        name=(brreg.name if brreg is not None else None) or organisation.name,
        org_form=form_code,
        sector=sector,
        sector_code=sector_code,
        public=classification.public,
        public_controlled=classification.public_controlled,
        sme_class=sme_class(
            organisation.sme_figures,
            nok_per_eur,
            public_controlled=classification.public_controlled,
        ),
        registered_in_foretaksregisteret=(
            brreg.registered_in_foretaksregisteret if brreg is not None else None
        ),
        bankrupt=brreg.bankrupt if brreg is not None else False,
        winding_up=brreg.winding_up if brreg is not None else False,
        deleted=brreg.deleted if brreg is not None else False,
        parent_org_number=brreg.parent_org_number if brreg is not None else None,
        research_organisation=organisation.research_organisation(),
        memberships=membership_list,
        member_of_current_or_former_nic_cluster=nic_tie,
        business_network_customer=organisation.business_network_customer_at(day),
    )
