"""Calls to cluster organisations: mature clusters (seed 000) and Arena admission (002)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eligibility_builders import ORG, arena_admission, mature_clusters

from nic_eligibility.domain import InvalidParameters, facts_date
from nic_shared.contracts.registry_facts import ClusterLevel
from nic_shared.events.eligibility import Outcome
from nic_shared.events.intake import AttachmentRef


def test_mature_clusters_the_starting_case_is_eligible():
    assert mature_clusters().assess().outcome is Outcome.ELIGIBLE


def test_000_who_a_cluster_not_prequalified_as_mature_is_ineligible():
    """000: the organisation must be prequalified as a mature cluster."""
    case = mature_clusters()
    case.set_cluster(mature_qualified=False)
    assessment = case.assess()
    assert assessment.result("applicant_mature_cluster").outcome.value == "fail"
    assert assessment.outcome is Outcome.INELIGIBLE


def test_000_who_a_member_company_of_a_mature_cluster_cannot_apply_for_it():
    case = mature_clusters()
    case.applicant = case.organisation(ORG[5])
    assert case.outcome_of("applicant_mature_cluster") == "fail"


def test_000_who_maturity_is_judged_on_the_facts_at_the_deadline():
    case = mature_clusters()
    case.deadline = case.submitted_at + timedelta(days=40)
    assert case.input().facts.as_of == facts_date(
        case.spec, submitted_at=case.submitted_at, deadline=case.deadline
    )
    assert case.input().facts.as_of == (case.deadline + timedelta(hours=2)).date()


def test_000_formal_a_responsible_contact_person_is_required():
    """000: "Det skal oppgis en ansvarlig kontaktperson"."""
    case = mature_clusters().set(contact_person=None)
    assert case.outcome_of("contact_person_named") == "fail"


def test_000_formal_the_contract_party_must_be_given():
    """000: one legal entity represents the cluster as formal contract party."""
    case = mature_clusters().set(legal_entity=None)
    assert case.outcome_of("contract_party_is_cluster_entity") == "fail"


def test_000_formal_the_contract_party_must_be_the_mature_clusters_entity():
    case = mature_clusters()
    other = case.organisation(ORG[6])
    assert case.set(legal_entity=other).outcome_of("contract_party_is_cluster_entity") == "fail"


# -- Arena / Arena Pro admission (002, 001; PROGRAMME.md §1, §2d) --------------------------


@pytest.mark.parametrize("level", ["arena", "arena_pro"])
def test_arena_the_starting_case_is_eligible(level):
    assert arena_admission(level).assess().outcome is Outcome.ELIGIBLE


def test_002_arena_applicant_must_be_the_clusters_facilitator():
    """002: a cluster organisation applies for the cluster."""
    case = arena_admission()
    case.applicant = case.organisation(ORG[7])
    assert case.outcome_of("applicant_is_cluster_facilitator") == "fail"


def test_002_arena_an_unregistered_cluster_cannot_be_checked_and_fails():
    case = arena_admission().set(cluster_id=None)
    assert case.outcome_of("applicant_is_cluster_facilitator") == "fail"


def test_002_arena_a_contact_person_is_required():
    assert arena_admission().set(contact_person=None).outcome_of("contact_person_named") == ("fail")


def test_002_arena_an_implementation_plan_is_required():
    """002 qualification area 4: a well-structured, realistic implementation plan."""
    case = arena_admission().set(implementation_plan="  ")
    assert case.assess().outcome is Outcome.INELIGIBLE
    assert case.outcome_of("implementation_plan_present") == "fail"


def test_002_arena_an_attached_implementation_plan_is_enough():
    attachment = AttachmentRef(
        attachment_id="00000000-0000-4000-8000-0000000000aa",
        kind="implementation_plan",
        filename="plan.pdf",
        content_type="application/pdf",
        size_bytes=1000,
        sha256="0" * 64,
    )
    case = arena_admission().set(implementation_plan=None, attachments=[attachment])
    assert case.outcome_of("implementation_plan_present") == "pass"


def test_002_arena_pro_plan_without_development_projects_needs_review():
    """002: Arena Pro applicants need a development strategy of development projects."""
    case = arena_admission("arena_pro").set(implementation_plan="Drift og møteplasser.")
    assessment = case.assess()
    assert assessment.result("development_projects_in_plan").outcome.value == "fail"
    assert assessment.outcome is Outcome.NEEDS_REVIEW


def test_002_arena_pro_does_not_require_an_earlier_level():
    case = arena_admission("arena_pro")
    case.set_cluster(level=None)
    assert case.assess().outcome is Outcome.ELIGIBLE


def test_002_arena_development_projects_do_not_apply_to_arena():
    case = arena_admission("arena").set(implementation_plan="Drift og møteplasser.")
    assert case.outcome_of("development_projects_in_plan") == "not_applicable"


def test_002_arena_an_arena_cluster_may_apply_for_arena_pro():
    case = arena_admission("arena_pro")
    case.set_cluster(level=ClusterLevel.ARENA, base_support=True)
    assert case.assess().outcome is Outcome.ELIGIBLE


def test_arena_level_must_be_arena_or_arena_pro():
    with pytest.raises(InvalidParameters, match="level"):
        arena_admission("gce").assess()
