"""Innovasjonsrammen (seed 003, PROGRAMME.md §2b), rule by rule."""

from __future__ import annotations

from eligibility_builders import (
    OTHER_CLUSTER_ID,
    day_before_submission,
    innovasjonsrammen,
    membership,
)

from nic_shared.contracts.registry_facts import Sector, SmeClass
from nic_shared.events.eligibility import Outcome
from nic_shared.events.intake import PartnerRole


def test_the_starting_case_is_eligible():
    assert innovasjonsrammen().assess().outcome is Outcome.ELIGIBLE


# -- 003 "to eller flere bedrifter med komplementær kompetanse" -----------------------------


def test_003_partners_one_company_is_not_enough():
    """003: real collaboration between two or more companies."""
    case = innovasjonsrammen()
    case.remove(list(case.partners)[1])
    assessment = case.assess()
    assert assessment.result("min_companies").outcome.value == "fail"
    assert assessment.outcome is Outcome.INELIGIBLE


def test_003_partners_minimum_comes_from_the_call():
    """A call with other limits needs no code: min_companies=3 fails two companies."""
    case = innovasjonsrammen()
    case.parameters(min_companies=3)
    assert case.outcome_of("min_companies") == "fail"


# -- 003 "private bedrifter ... uavhengige av hverandre" ------------------------------------


def test_003_partners_public_enterprise_cannot_take_part():
    """003: public enterprises cannot be supported."""
    case = innovasjonsrammen()
    case.company(sector=Sector.PUBLIC_ENTERPRISE)
    assert case.outcome_of("partners_private_companies") == "fail"


def test_003_partners_publicly_controlled_company_is_a_public_enterprise():
    case = innovasjonsrammen()
    case.company(sector=Sector.PUBLIC_CONTROLLED_COMPANY, sme=False)
    assert case.outcome_of("partners_private_companies") == "fail"


def test_003_partners_research_institution_cannot_take_part_by_flag():
    """003: R&D or education institutions cannot be supported (registry flag)."""
    case = innovasjonsrammen()
    case.company(research_organisation=True)
    assert case.outcome_of("partners_private_companies") == "fail"


def test_003_partners_research_institution_cannot_take_part_by_role():
    case = innovasjonsrammen()
    case.company(role=PartnerRole.RESEARCH_ORGANISATION)
    assert case.outcome_of("partners_private_companies") == "fail"


def test_003_partners_the_cluster_organisation_cannot_be_a_partner():
    """003: "Heller ikke en klyngeorganisasjon kan inngå som partner"."""
    case = innovasjonsrammen()
    case.add(case.cluster.facilitator_org_number, sector=Sector.PRIVATE_COMPANY)
    result = case.assess().result("partners_private_companies")
    assert result.outcome.value == "fail"
    assert "cluster_organisation" in str(result.facts["offenders"])


def test_003_partners_two_partners_with_one_parent_are_not_independent():
    """003: partners independent of each other, no common ownership."""
    case = innovasjonsrammen()
    parent = "999999999"
    for key in case.partners:
        case.organisation(key, parent_org_number=parent)
    result = case.assess().result("partners_independent")
    assert result.outcome.value == "fail"
    assert result.facts["linked"] == ["+".join(sorted(case.partners))]


def test_003_partners_a_parent_and_its_subsidiary_are_not_independent():
    case = innovasjonsrammen()
    first, second = sorted(case.partners)
    case.organisation(second, parent_org_number=first)
    assert case.outcome_of("partners_independent") == "fail"


def test_003_partners_different_parents_are_independent():
    case = innovasjonsrammen()
    for parent, key in zip(("999999999", "888888888"), case.partners, strict=True):
        case.organisation(key, parent_org_number=parent)
    assert case.outcome_of("partners_independent") == "pass"


# -- 003 "Initiativet ... fra en eller flere bedrifter som er aktive deltakere i klyngen" ---


def test_003_initiative_from_a_company_that_is_not_a_member_fails():
    case = innovasjonsrammen()
    case.organisation(case.applicant, memberships=[])
    assert case.outcome_of("initiative_from_active_cluster_member") == "fail"


def test_003_initiative_from_a_partner_who_left_the_cluster_the_day_before_submission():
    """Membership ended the day before submission: not an active member at submission."""
    case = innovasjonsrammen()
    left = membership(member=False, valid_to=day_before_submission())
    case.organisation(case.applicant, memberships=[left])
    assessment = case.assess()
    assert assessment.result("initiative_from_active_cluster_member").outcome.value == "fail"
    assert assessment.outcome is Outcome.INELIGIBLE


def test_003_initiative_membership_of_another_cluster_does_not_count():
    case = innovasjonsrammen()
    case.organisation(case.applicant, memberships=[membership(OTHER_CLUSTER_ID)])
    assert case.outcome_of("initiative_from_active_cluster_member") == "fail"


def test_003_initiative_a_cluster_company_may_bring_a_partner_from_outside():
    """The second partner is no member; the owner's membership is enough."""
    case = innovasjonsrammen()
    assert case.outcome_of("initiative_from_active_cluster_member") == "pass"


def test_003_initiative_falls_back_to_the_applicant_when_no_owner_is_named():
    case = innovasjonsrammen().set(project_owner=None)
    assert case.outcome_of("initiative_from_active_cluster_member") == "pass"


# -- 003 "halvparten av deltagerne skal være SMB" --------------------------------------------


def test_003_sme_share_exactly_half_smes_is_eligible():
    case = innovasjonsrammen()
    case.organisation(list(case.partners)[1], sme_class=SmeClass.LARGE)
    assessment = case.assess()
    assert assessment.result("sme_share").facts["sme_count"] == 1
    assert assessment.outcome is Outcome.ELIGIBLE


def test_003_sme_share_below_half_fails():
    case = innovasjonsrammen()
    case.company(sme=False)
    case.organisation(list(case.partners)[1], sme_class=SmeClass.LARGE)
    assert case.outcome_of("sme_share") == "fail"


def test_003_sme_share_falls_back_to_the_declaration_when_the_registry_does_not_know():
    case = innovasjonsrammen()
    key = list(case.partners)[1]
    case.organisation(key, sme_class=SmeClass.UNKNOWN)
    case.partner(key, declared_sme=False)
    case.organisation(case.applicant, sme_class=SmeClass.LARGE)
    assert case.outcome_of("sme_share") == "fail"
    case.partner(key, declared_sme=True)
    assert case.outcome_of("sme_share") == "pass"


def test_003_sme_share_counts_foreign_partners_as_participants():
    """Two large Norwegian companies and one foreign SME: 1 of 3 is below half."""
    case = innovasjonsrammen()
    for key in case.partners:
        case.organisation(key, sme_class=SmeClass.LARGE)
    case.foreign()
    result = case.assess().result("sme_share")
    assert (result.facts["sme_count"], result.facts["participants"]) == (1, 3)
    assert result.outcome.value == "fail"


# -- 003 "Utenlandske selskap kan delta ..., men kan ikke støttes" --------------------------


def test_003_foreign_partner_may_take_part_without_money():
    """A foreign company takes part; the grant fits 50 % of the Norwegian costs."""
    case = innovasjonsrammen()
    case.foreign(cost=200_000)
    assessment = case.assess()
    assert assessment.result("foreign_partners_unfunded").outcome.value == "pass"
    assert assessment.result("organisations_known").facts["foreign_unverified"] == ["SE:5560360793"]
    assert assessment.outcome is Outcome.ELIGIBLE


def test_003_foreign_partner_costs_cannot_carry_the_grant():
    """The grant exceeds 50 % of the Norwegian costs: the foreign partner would be funded."""
    case = innovasjonsrammen().set(requested_amount_nok=300_000)
    case.costs(250_000)
    case.foreign(cost=400_000)
    assessment = case.assess()
    assert assessment.result("aid_intensity_within_max").outcome.value == "pass"
    assert assessment.result("foreign_partners_unfunded").outcome.value == "fail"


def test_003_foreign_rule_does_not_apply_without_foreign_partners():
    assert innovasjonsrammen().outcome_of("foreign_partners_unfunded") == "not_applicable"


# -- 003 "Hvilke klynger": base support, or former NCE ------------------------------------


def test_003_clusters_without_base_support_fail():
    case = innovasjonsrammen()
    case.set_cluster(base_support=False, level=None)
    assert case.outcome_of("cluster_has_base_support") == "fail"


def test_003_clusters_that_formerly_had_nce_base_support_pass():
    case = innovasjonsrammen()
    case.set_cluster(base_support=False, level=None, formerly_nce=True)
    assert case.outcome_of("cluster_has_base_support") == "pass"


def test_003_clusters_an_application_without_a_cluster_fails():
    case = innovasjonsrammen().set(cluster_id=None)
    assessment = case.assess()
    assert assessment.result("cluster_has_base_support").outcome.value == "fail"
    assert assessment.result("initiative_from_active_cluster_member").outcome.value == "fail"


# -- 003 "tilskudd på inntil kr 300.000. Maksimal støtteandel er 50 %" ---------------------


def test_003_money_grant_of_300_000_passes():
    assert innovasjonsrammen().set(requested_amount_nok=300_000).assess().outcome is (
        Outcome.ELIGIBLE
    )


def test_003_money_grant_of_300_001_fails():
    case = innovasjonsrammen().set(requested_amount_nok=300_001)
    case.costs(400_000)
    assessment = case.assess()
    assert assessment.result("grant_within_max").outcome.value == "fail"
    assert assessment.result("aid_intensity_within_max").outcome.value == "pass"
    assert assessment.outcome is Outcome.INELIGIBLE


def test_003_money_aid_intensity_of_50_0_percent_passes():
    case = innovasjonsrammen().set(requested_amount_nok=250_000)
    case.costs(250_000)
    result = case.assess().result("aid_intensity_within_max")
    assert (result.outcome.value, result.facts["intensity_percent"]) == ("pass", "50.0")


def test_003_money_aid_intensity_of_50_1_percent_fails():
    case = innovasjonsrammen().set(requested_amount_nok=250_500)
    case.costs(250_000)
    result = case.assess().result("aid_intensity_within_max")
    assert (result.outcome.value, result.facts["intensity_percent"]) == ("fail", "50.1")
    assert "50.1 %" in result.message_en


def test_003_money_aid_intensity_one_krone_above_half_fails():
    case = innovasjonsrammen().set(requested_amount_nok=300_000)
    case.budget[0] = case.budget[0].model_copy(update={"amount_nok": 299_999})
    assert case.outcome_of("aid_intensity_within_max") == "fail"


def test_003_money_a_missing_amount_fails():
    assert innovasjonsrammen().set(requested_amount_nok=None).outcome_of("grant_within_max") == (
        "fail"
    )
