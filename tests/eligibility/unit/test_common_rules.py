"""Rules every call shares: timeliness and the organisations' register status (REFERENCE §8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eligibility_builders import ORG, circular, innovasjonsrammen

from nic_shared.events.eligibility import Outcome


def test_deadline_one_second_before_the_deadline_instant_is_on_time():
    """PROGRAMME.md §3: 16:00 means 16:00:00 Oslo time."""
    case = innovasjonsrammen()
    case.submitted_at = case.deadline - timedelta(seconds=1)
    assert case.outcome_of("submitted_by_deadline") == "pass"


def test_deadline_a_submission_at_the_deadline_instant_is_late():
    """PROGRAMME.md §3: at 16:00:00 the window is closed; intake counts it late too."""
    case = innovasjonsrammen()
    case.submitted_at = case.deadline
    assessment = case.assess()
    assert assessment.result("submitted_by_deadline").outcome.value == "fail"
    assert assessment.outcome is Outcome.INELIGIBLE
    assert "16:00:00+02:00" in assessment.result("submitted_by_deadline").message_nb


def test_deadline_one_second_late_is_ineligible():
    case = innovasjonsrammen()
    case.submitted_at = case.deadline + timedelta(seconds=1)
    assessment = case.assess()
    assert assessment.result("submitted_by_deadline").outcome.value == "fail"
    assert "16:00:01+02:00" in assessment.result("submitted_by_deadline").message_nb


def test_registry_an_unknown_organisation_number_fails():
    """REFERENCE §8 LOOKUP: 404 -> unknown."""
    case = innovasjonsrammen()
    key = case.company(known=False)
    result = case.assess().result("organisations_known")
    assert (result.outcome.value, result.facts["unknown"]) == ("fail", [key])


def test_registry_an_unknown_foreign_partner_is_not_an_unknown_organisation_number():
    case = innovasjonsrammen()
    case.foreign(cost=0)
    assert case.outcome_of("organisations_known") == "pass"


@pytest.mark.parametrize("state", ["bankrupt", "winding_up", "deleted"])
def test_registry_a_bankrupt_winding_up_or_deleted_partner_is_ineligible(state):
    """REFERENCE §8 STATUS: konkurs, under avvikling, slettet."""
    case = circular()
    key = case.company(**{state: True})
    assessment = case.assess()
    assert assessment.result("organisations_active").facts["inactive"] == [f"{key} ({state})"]
    assert assessment.outcome is Outcome.INELIGIBLE


def test_registry_the_status_of_the_contract_party_counts_too():
    case = innovasjonsrammen()
    entity = case.organisation(ORG[9], deleted=True)
    case.set(legal_entity=entity)
    assert case.outcome_of("organisations_active") == "fail"
