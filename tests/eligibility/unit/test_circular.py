"""Collaboration projects for circular value chains (seed 004, PROGRAMME.md §2c)."""

from __future__ import annotations

import pytest
from eligibility_builders import circular

from nic_shared.contracts.registry_facts import NicStatus, Sector, SmeClass
from nic_shared.events.eligibility import Outcome
from nic_shared.events.intake import AidBasis, PartnerRole


def test_the_starting_case_is_eligible():
    assert circular().assess().outcome is Outcome.ELIGIBLE


# -- 004 "minimum tre bedrifter ... registrert i Foretaksregisteret" -----------------------


def test_004_composition_two_registered_companies_are_not_enough():
    case = circular()
    case.organisation(list(case.partners)[2], registered_in_foretaksregisteret=False)
    assert case.outcome_of("min_registered_companies") == "fail"


def test_004_composition_a_foreign_company_does_not_count_as_registered():
    case = circular()
    case.remove(list(case.partners)[2])
    case.foreign(cost=1_000_000)
    assert case.outcome_of("min_registered_companies") == "fail"


def test_004_composition_research_institutes_do_not_count_as_companies():
    case = circular()
    case.organisation(list(case.partners)[2], research_organisation=True)
    assert case.outcome_of("min_registered_companies") == "fail"


# -- 004 "kan inkludere offentlige aktører / forskningsinstitutt, men ikke som prosjekteier" -


def test_004_owner_a_municipality_as_owner_fails():
    case = circular()
    municipality = case.company(
        sector=Sector.PUBLIC_MUNICIPAL, registered_in_foretaksregisteret=False
    )
    case.set(project_owner=municipality)
    result = case.assess().result("owner_not_public_or_research")
    assert (result.outcome.value, result.facts["public"]) == ("fail", True)


def test_004_owner_a_research_institute_that_is_a_foundation_fails_by_its_research_flag():
    """An STI is not research by its form; the registry's research flag decides."""
    case = circular()
    institute = case.company(sector=Sector.NONPROFIT_FOUNDATION, research_organisation=True)
    case.set(project_owner=institute)
    result = case.assess().result("owner_not_public_or_research")
    assert (result.outcome.value, result.facts["research"]) == ("fail", True)


def test_004_owner_a_foundation_without_research_flag_or_role_is_not_a_research_owner():
    case = circular()
    foundation = case.company(sector=Sector.NONPROFIT_FOUNDATION)
    case.set(project_owner=foundation)
    assert case.outcome_of("owner_not_public_or_research") == "pass"


def test_004_owner_declared_research_role_fails():
    case = circular()
    institute = case.company(role=PartnerRole.RESEARCH_ORGANISATION)
    case.set(project_owner=institute)
    assert case.outcome_of("owner_not_public_or_research") == "fail"


def test_004_composition_public_actors_and_research_may_take_part_as_partners():
    case = circular()
    case.company(sector=Sector.PUBLIC_MUNICIPAL, role=PartnerRole.PUBLIC_ACTOR, cost=0)
    case.company(sector=Sector.NONPROFIT_FOUNDATION, research_organisation=True, cost=0)
    assert case.assess().outcome is Outcome.ELIGIBLE


# -- 004 "Hvem kan søke": NIC cluster companies, business-network customers, clusters ------


def _without_links():
    case = circular()
    for key in case.partners:
        case.organisation(key, member_of_current_or_former_nic_cluster=False, memberships=[])
    return case


def test_004_who_no_nic_or_business_network_link_fails():
    assert _without_links().outcome_of("nic_or_business_network_link") == "fail"


def test_004_who_an_active_business_network_customer_is_enough():
    case = _without_links()
    case.organisation(list(case.partners)[1], business_network_customer=True)
    assert case.outcome_of("nic_or_business_network_link") == "pass"


def test_004_who_a_former_nic_cluster_as_applicant_is_enough():
    case = _without_links()
    case.applicant = case.cluster.facilitator_org_number
    case.set_cluster(nic_status=NicStatus.FORMER, base_support=False, level=None)
    assert case.outcome_of("nic_or_business_network_link") == "pass"


def test_004_who_a_cluster_that_never_was_in_nic_is_not_enough():
    case = _without_links()
    case.applicant = case.cluster.facilitator_org_number
    case.set_cluster(nic_status=NicStatus.NEVER, base_support=False, level=None)
    assert case.outcome_of("nic_or_business_network_link") == "fail"


# -- 004 "minst en av følgende tre målsetninger" ------------------------------------------


def test_004_objectives_none_chosen_fails():
    assert circular().set(objectives=[]).outcome_of("objective_chosen") == "fail"


def test_004_objectives_an_objective_outside_the_call_does_not_count():
    assert circular().set(objectives=["world_peace"]).outcome_of("objective_chosen") == "fail"


# -- 004 "i størrelsesorden 1-2,5 millioner" (soft) and "ikke overstige 50 prosent" (hard) -


@pytest.mark.parametrize(
    ("requested", "outcome"),
    [(999_999, "fail"), (1_000_000, "pass"), (2_500_000, "pass"), (2_500_001, "fail")],
)
def test_004_amount_grant_range_boundaries(requested, outcome):
    case = circular().set(requested_amount_nok=requested)
    case.costs(2_000_000)
    for key in case.partners:
        case.partner(key, de_minimis_headroom_nok=1_000_000)
    assert case.outcome_of("grant_within_range") == outcome


def test_004_amount_outside_the_range_needs_manual_review():
    case = circular().set(requested_amount_nok=900_000)
    assert case.assess().outcome is Outcome.NEEDS_REVIEW


def test_004_amount_aid_intensity_above_50_percent_is_ineligible():
    case = circular().set(requested_amount_nok=1_503_000)
    for key in case.partners:
        case.partner(key, de_minimis_headroom_nok=600_000)
    assessment = case.assess()
    assert assessment.result("aid_intensity_within_max").facts["intensity_percent"] == "50.1"
    assert assessment.outcome is Outcome.INELIGIBLE


# -- 004 "Krav til støtte": de minimis or GBER 25/27/29/49 --------------------------------


def test_004_aid_basis_must_be_given():
    assert circular().set(aid_basis=None).outcome_of("aid_basis_allowed") == "fail"


def test_004_aid_basis_outside_the_calls_articles_fails():
    case = circular().set(aid_basis=AidBasis.GBER_49)
    case.parameters(gber_articles=["gber_25"])
    assert case.outcome_of("aid_basis_allowed") == "fail"


def test_004_de_minimis_each_share_within_its_headroom_passes():
    """1.5 million split over equal budgets: 500,000 each, exactly the headroom."""
    assert circular().outcome_of("de_minimis_headroom") == "pass"


def test_004_de_minimis_a_share_above_its_headroom_fails():
    case = circular()
    key = list(case.partners)[1]
    case.partner(key, de_minimis_headroom_nok=499_999)
    result = case.assess().result("de_minimis_headroom")
    assert result.outcome.value == "fail"
    assert result.facts["short"] == [f"{key} (share 500000, headroom 499999)"]


def test_004_de_minimis_share_follows_the_budget_split():
    """Costs 2:1:1 give shares 750,000 / 375,000 / 375,000 of 1.5 million."""
    case = circular()
    first = case.budget[0]
    case.budget[0] = first.model_copy(update={"amount_nok": 2_000_000})
    for key, headroom in zip(case.partners, (750_000, 375_000, 375_000), strict=True):
        case.partner(key, de_minimis_headroom_nok=headroom)
    case.set(requested_amount_nok=1_500_000)
    assert case.outcome_of("de_minimis_headroom") == "pass"


def test_004_de_minimis_undeclared_headroom_fails():
    case = circular()
    case.partner(next(iter(case.partners)), de_minimis_headroom_nok=None)
    assert case.outcome_of("de_minimis_headroom") == "fail"


def test_004_de_minimis_rule_does_not_apply_under_gber():
    assert circular().set(aid_basis=AidBasis.GBER_29).outcome_of("de_minimis_headroom") == (
        "not_applicable"
    )


def test_004_gber_29_large_company_without_enough_sme_costs_needs_review():
    """Art. 29: large 15 % only with SMEs bearing 30 %; all large -> 0 %, manual review."""
    case = circular().set(aid_basis=AidBasis.GBER_29, requested_amount_nok=1_000_000)
    for key in case.partners:
        case.organisation(key, sme_class=SmeClass.LARGE)
    assessment = case.assess()
    assert assessment.result("gber_intensity_cap").outcome.value == "fail"
    assert assessment.outcome is Outcome.NEEDS_REVIEW


def test_004_gber_29_two_smes_and_one_large_company_fit_the_caps():
    """Caps 50 + 50 + 15 % of 1 million each: at most 1,150,000."""
    case = circular().set(aid_basis=AidBasis.GBER_29, requested_amount_nok=1_150_000)
    result = case.assess().result("gber_intensity_cap")
    assert (result.outcome.value, result.facts["max_aid_nok"]) == ("pass", 1_150_000)
    case.set(requested_amount_nok=1_150_001)
    assert case.outcome_of("gber_intensity_cap") == "fail"
