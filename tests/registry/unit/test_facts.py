import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from nic_registry.domain.brreg import entity_from_enhet, entity_removed
from nic_registry.domain.clusters import ClusterHistory, EscaGrade, EscaLabel
from nic_registry.domain.facts import cluster_facts, organisation_facts
from nic_registry.domain.memberships import Membership
from nic_registry.domain.organisations import Organisation
from nic_registry.domain.periods import Period
from nic_registry.domain.sme import SmeFigures
from nic_shared.contracts.registry_facts import (
    ActorType,
    ClusterLevel,
    NicStatus,
    Sector,
    SmeClass,
)

FIXTURES = Path(__file__).parent / "fixtures"
RATE = Decimal("11.5")
DAY = date(2023, 9, 1)


def brreg(name: str):
    return entity_from_enhet(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def former_nce_cluster() -> ClusterHistory:
    return (
        ClusterHistory(uuid4(), "NCE Former", "974760673")
        .with_level(ClusterLevel.ARENA_PRO, Period(date(2018, 1, 1), date(2023, 6, 30)))
        .with_nce(Period(date(2019, 1, 1), date(2023, 6, 30)))
        .with_mature_qualification(date(2023, 3, 1))
        .with_esca(EscaLabel(EscaGrade.GOLD, date(2022, 1, 1), date(2023, 12, 31)))
    )


def test_cluster_facts_of_a_cluster_that_has_left_the_programme():
    c = former_nce_cluster()
    facts = cluster_facts(c, DAY)
    assert facts.level is None
    assert facts.nic_status is NicStatus.FORMER
    assert not facts.base_support
    assert not facts.nce_brand
    assert facts.formerly_nce
    assert facts.mature_qualified
    assert facts.esca_label == "gold"


def test_cluster_facts_while_active():
    facts = cluster_facts(former_nce_cluster(), date(2020, 1, 1))
    assert facts.level is ClusterLevel.ARENA_PRO
    assert facts.nic_status is NicStatus.ACTIVE
    assert facts.base_support
    assert facts.nce_brand
    assert not facts.formerly_nce
    assert not facts.mature_qualified
    assert facts.esca_label is None


def test_state_owned_listed_company_is_public_controlled_and_large():
    org = Organisation("923609016", "Equinor", brreg("brreg_equinor_asa.json"), SmeFigures(5, 1, 1))
    facts = organisation_facts("923609016", DAY, org, [], {}, RATE)
    assert facts.known
    assert facts.name == "EQUINOR ASA"
    assert facts.org_form == "ASA"
    assert facts.sector is Sector.PUBLIC_CONTROLLED_COMPANY
    assert facts.sector_code == "1120"
    assert facts.public_controlled
    assert not facts.public
    assert facts.sme_class is SmeClass.LARGE
    assert facts.registered_in_foretaksregisteret is True
    assert not facts.bankrupt
    assert not facts.winding_up
    assert not facts.deleted


def test_deleted_sole_proprietor_is_reported_deleted():
    org = Organisation("995420678", "Rådgivning", entity_removed("995420678"))
    facts = organisation_facts("995420678", DAY, org, [], {}, RATE)
    assert facts.deleted
    assert facts.name == "Rådgivning"
    assert facts.sme_class is SmeClass.UNKNOWN


def test_state_body_has_parent_and_public_state_sector():
    org = Organisation("991825827", "Digdir", brreg("brreg_orgl.json"))
    facts = organisation_facts("991825827", DAY, org, [], {}, RATE)
    assert facts.sector is Sector.PUBLIC_STATE
    assert facts.public
    assert facts.parent_org_number == "932384469"


def test_unknown_organisation_is_not_known():
    facts = organisation_facts("988077917", DAY, None, [], {}, RATE)
    assert not facts.known
    assert facts.sector is Sector.UNKNOWN


def test_foreign_organisation_without_brreg_data_is_foreign():
    org = Organisation("SE:5560360793", "Volvo AB", sme_figures=SmeFigures(300, 10**12, 10**12))
    facts = organisation_facts("SE:5560360793", DAY, org, [], {}, RATE)
    assert facts.sector is Sector.FOREIGN
    assert facts.sme_class is SmeClass.LARGE


def test_past_member_of_former_nic_cluster_carries_the_tie_in_its_facts():
    c = former_nce_cluster()
    m = Membership(
        c.cluster_id, "988077917", ActorType.STARTUP, Period(date(2023, 1, 1), date(2023, 6, 30))
    )
    future = Membership(c.cluster_id, "988077917", ActorType.STARTUP, Period(date(2024, 1, 1)))
    org = Organisation("988077917", "Start AS")
    facts = organisation_facts("988077917", DAY, org, [m, future], {c.cluster_id: c}, RATE)
    assert facts.member_of_current_or_former_nic_cluster
    assert len(facts.memberships) == 1
    fact = facts.memberships[0]
    assert not fact.member_at_date
    assert fact.cluster_status_at_date is NicStatus.FORMER
    assert fact.cluster_name == "NCE Former"


def test_research_organisation_by_nace_or_whitelist():
    data = json.loads((FIXTURES / "brreg_equinor_asa.json").read_text(encoding="utf-8"))
    data["naeringskode1"] = {"kode": "72.190", "beskrivelse": "Annen forskning"}
    org = Organisation("923609016", "X", entity_from_enhet(data))
    assert organisation_facts("923609016", DAY, org, [], {}, RATE).research_organisation
    listed = Organisation("988077917", "Y", research_whitelisted=True)
    assert organisation_facts("988077917", DAY, listed, [], {}, RATE).research_organisation
    assert not organisation_facts(
        "988077917", DAY, Organisation("988077917", "Y"), [], {}, RATE
    ).research_organisation


def test_business_network_customer_at_the_date():
    org = Organisation(
        "988077917", "Y", business_network=(Period(date(2023, 1, 1), date(2023, 12, 31)),)
    )
    assert organisation_facts("988077917", DAY, org, [], {}, RATE).business_network_customer
    assert not organisation_facts(
        "988077917", date(2024, 1, 1), org, [], {}, RATE
    ).business_network_customer
