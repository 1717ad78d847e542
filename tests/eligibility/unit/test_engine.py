"""The engine: rule sets as data, parameters, outcome folding, and refusing missing facts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eligibility_builders import ORG, circular, innovasjonsrammen, mature_clusters

from nic_eligibility.domain import (
    PREDICATES,
    RULE_SETS,
    Clause,
    FactsDateMismatch,
    FactsIncomplete,
    InvalidParameters,
    RuleResult,
    Severity,
    UnknownRuleSet,
    assess,
    overall,
)
from nic_eligibility.domain.messages import render
from nic_shared.events.eligibility import Outcome, RuleOutcome


def result(outcome: RuleOutcome, severity: Severity) -> RuleResult:
    return RuleResult("r", Clause("s", "x"), severity, outcome, {}, "", "")


HARD_FAIL = result(RuleOutcome.FAIL, Severity.HARD)
SOFT_FAIL = result(RuleOutcome.FAIL, Severity.SOFT)
PASS = result(RuleOutcome.PASS, Severity.HARD)
NOT_APPLICABLE = result(RuleOutcome.NOT_APPLICABLE, Severity.HARD)


def test_any_hard_failure_is_ineligible():
    assert overall([PASS, SOFT_FAIL, HARD_FAIL]) is Outcome.INELIGIBLE


def test_soft_failures_alone_need_review():
    assert overall([PASS, SOFT_FAIL, NOT_APPLICABLE]) is Outcome.NEEDS_REVIEW


def test_passes_and_not_applicable_are_eligible():
    assert overall([PASS, NOT_APPLICABLE]) is Outcome.ELIGIBLE


def test_every_rule_names_a_registered_predicate_and_has_unique_id():
    for rule_set in RULE_SETS.values():
        ids = [rule.id for rule in rule_set.rules]
        assert len(ids) == len(set(ids)), rule_set.name
        assert {rule.predicate for rule in rule_set.rules} <= PREDICATES.keys()


def test_every_rule_cites_a_clause_and_speaks_both_languages():
    for rule_set in RULE_SETS.values():
        for rule in rule_set.rules:
            assert rule.clause.seed, rule.id
            assert rule.clause.section, rule.id
            assert rule.requirement.nb, rule.id
            assert rule.requirement.en, rule.id


@pytest.mark.parametrize("build", [innovasjonsrammen, circular, mature_clusters])
def test_messages_fill_every_field(build):
    for item in build().assess().results:
        assert "?" not in item.message_nb + item.message_en, item.rule_id


def test_failure_messages_carry_the_facts():
    case = innovasjonsrammen().set(requested_amount_nok=300_001)
    item = case.assess().result("grant_within_max")
    assert item.message_nb == "Ikke oppfylt: Tilskuddet er høyst kr 300 000. Søkt: kr 300 001."
    assert item.message_en == "Not met: The grant is at most NOK 300 000. Requested: NOK 300 001."


def test_render_leaves_a_question_mark_for_a_missing_field():
    assert render("{a} and {b}", {"a": ["x", "y"]}) == "x, y and ?"


def test_summaries_are_the_event_shape():
    summary = innovasjonsrammen().assess().summaries()[0]
    assert (summary.rule_id, summary.outcome, summary.severity) == (
        "submitted_by_deadline",
        RuleOutcome.PASS,
        "hard",
    )
    assert summary.clause == "000 Frist / 004 Frist / PROGRAMME.md §3 (deadlines in Oslo time)"
    assert set(summary.facts) == {"submitted_at", "deadline"}


def test_summaries_carry_each_rules_facts_and_clause():
    assessment = innovasjonsrammen().set(requested_amount_nok=300_001).assess()
    by_id = {s.rule_id: s for s in assessment.summaries()}
    grant = by_id["grant_within_max"]
    assert grant.outcome is RuleOutcome.FAIL
    assert grant.facts == {"requested_nok": 300_001}
    assert grant.clause.startswith("003 ")


def test_an_unknown_rule_set_is_refused():
    case = innovasjonsrammen()
    case.spec = case.spec.model_copy(update={"name": "lottery"})
    with pytest.raises(UnknownRuleSet):
        case.assess()


def test_an_unknown_parameter_is_refused_rather_than_ignored():
    case = innovasjonsrammen()
    case.parameters(max_grant=1)
    with pytest.raises(InvalidParameters, match="max_grant"):
        case.assess()


@pytest.mark.parametrize("value", ["300000", True, -1, ["1"]])
def test_a_parameter_of_the_wrong_type_is_refused(value):
    case = innovasjonsrammen()
    case.parameters(max_grant_nok=value)
    with pytest.raises(InvalidParameters):
        case.assess()


def test_parameters_are_recorded_and_counts_default_to_the_seed():
    case = innovasjonsrammen()
    case.spec = case.spec.model_copy(update={"parameters": {}})
    assert case.assess().parameters == {
        "min_companies": 2,
        "max_grant_nok": None,
        "max_aid_intensity_percent": 50,
        "min_sme_share_percent": 50,
    }


def test_a_call_without_a_grant_maximum_has_no_such_limit():
    """Intake leaves a limit out when the call sets none; the rule does not apply."""
    case = innovasjonsrammen().set(requested_amount_nok=5_000_000)
    case.costs(5_000_000)
    case.parameters(max_grant_nok=None)
    assert case.outcome_of("grant_within_max") == "not_applicable"


def test_an_open_ended_grant_range_checks_only_its_lower_end():
    case = circular().set(requested_amount_nok=999_999)
    case.parameters(grant_max_nok=None)
    assert case.outcome_of("grant_within_range") == "fail"
    case.parameters(grant_min_nok=None)
    assert case.outcome_of("grant_within_range") == "not_applicable"


def test_a_call_with_other_limits_needs_no_code():
    case = innovasjonsrammen().set(requested_amount_nok=400_000)
    case.costs(500_000)
    case.parameters(max_grant_nok=400_000)
    assert case.assess().outcome is Outcome.ELIGIBLE


def test_no_decision_without_facts_for_every_organisation():
    case = innovasjonsrammen()
    key = case.company()
    del case.orgs[key]
    with pytest.raises(FactsIncomplete, match=key):
        case.assess()


def test_no_decision_without_the_clusters_facts():
    case = innovasjonsrammen()
    case.cluster = None
    with pytest.raises(FactsIncomplete, match="cluster"):
        case.assess()


def test_no_decision_on_facts_from_another_date():
    case = innovasjonsrammen()
    case.as_of = date(2023, 1, 1)
    with pytest.raises(FactsDateMismatch):
        case.assess()


def test_the_contract_party_needs_facts_too():
    case = innovasjonsrammen().set(legal_entity=ORG[30])
    with pytest.raises(FactsIncomplete, match=ORG[30]):
        case.assess()


def test_times_must_carry_a_zone():
    case = innovasjonsrammen()
    case.submitted_at = datetime(2023, 8, 30, 10, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone"):
        case.input()


def test_assessing_twice_gives_the_same_assessment():
    data = circular().input()
    assert assess(data) == assess(data)
