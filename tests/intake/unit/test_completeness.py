"""A draft is checked against its call's required parts; every problem is reported at once."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nic_intake.domain.completeness import CompletenessRules, check_completeness
from nic_intake.domain.messages import MESSAGES
from nic_intake.domain.seeds import CIRCULAR_VALUE_CHAINS_2023
from nic_intake.domain.templates import template_for
from nic_shared.events.intake import ApplicationContent
from nic_shared.events.specs import Scheme

OUTSIDER, PARTNER_B = "910000039", "910000012"  # as in conftest

CIRCULAR = CompletenessRules.from_terms(template_for(Scheme.CIRCULAR_VALUE_CHAINS))
MATURE = CompletenessRules.from_terms(template_for(Scheme.MATURE_CLUSTERS))


def problems(draft: dict[str, Any], rules: CompletenessRules = CIRCULAR) -> set[tuple[str, str]]:
    return {(p.pointer, p.rule) for p in check_completeness(draft, rules).problems}


def test_a_complete_draft_has_no_problems(circular_draft: dict[str, Any]) -> None:
    assert check_completeness(circular_draft, CIRCULAR).is_complete


def test_submitted_content_can_be_checked_too(circular_draft: dict[str, Any]) -> None:
    content = ApplicationContent.model_validate(circular_draft)
    assert check_completeness(content, CIRCULAR).is_complete


def test_rules_can_be_read_from_the_published_call() -> None:
    assert CompletenessRules.from_call(CIRCULAR_VALUE_CHAINS_2023.published()) == CIRCULAR


def test_an_empty_draft_lists_every_missing_part_at_once() -> None:
    assert problems({}) == {
        ("/title", "required_part_missing"),
        ("/summary", "required_part_missing"),
        ("/project_start", "required_part_missing"),
        ("/project_end", "required_part_missing"),
        ("/contact_person", "required_part_missing"),
        ("/partners", "required_part_missing"),
        ("/budget", "required_part_missing"),
        ("/project_owner", "required_part_missing"),
        ("/requested_amount_nok", "required_part_missing"),
        ("/objectives", "required_part_missing"),
        ("/aid_basis", "required_part_missing"),
        ("/implementation_plan", "required_part_missing"),
        ("/attachments", "attachment_missing"),
    }


def test_blank_text_counts_as_missing(circular_draft: dict[str, Any]) -> None:
    circular_draft["summary"] = "   "
    assert problems(circular_draft) == {("/summary", "required_part_missing")}


def test_each_call_requires_its_own_parts(circular_draft: dict[str, Any]) -> None:
    found = problems(circular_draft, MATURE)
    assert ("/legal_entity", "required_part_missing") in found
    assert ("/objectives", "required_part_missing") not in found


def test_every_problem_carries_nb_and_en_text() -> None:
    for found in check_completeness({}, CIRCULAR).problems:
        assert found.message.nb
        assert found.message.en
    assert "påkrevd" in check_completeness({}, CIRCULAR).problems[0].message.nb


def test_the_project_must_end_after_it_starts(circular_draft: dict[str, Any]) -> None:
    circular_draft["project_end"] = circular_draft["project_start"]
    assert ("/project_end", "project_end_not_after_start") in problems(circular_draft)


def test_budget_lines_must_reference_known_partners(circular_draft: dict[str, Any]) -> None:
    circular_draft["budget"][2]["partner"] = OUTSIDER
    assert problems(circular_draft) == {("/budget/2/partner", "budget_unknown_partner")}


def test_budget_years_lie_within_the_project_period(circular_draft: dict[str, Any]) -> None:
    circular_draft["budget"][0]["year"] = 2026
    assert problems(circular_draft) == {("/budget/0/year", "budget_year_outside_period")}


def test_requested_amount_must_be_positive(circular_draft: dict[str, Any]) -> None:
    circular_draft["requested_amount_nok"] = 0
    assert problems(circular_draft) == {("/requested_amount_nok", "requested_amount_not_positive")}


def test_requested_amount_cannot_exceed_the_total_budget(circular_draft: dict[str, Any]) -> None:
    circular_draft["requested_amount_nok"] = 2_500_001  # budget totals 2 500 000
    assert problems(circular_draft) == {("/requested_amount_nok", "requested_amount_above_budget")}
    circular_draft["requested_amount_nok"] = 2_500_000
    assert problems(circular_draft) == set()


def test_grant_limits_are_left_to_eligibility(circular_draft: dict[str, Any]) -> None:
    circular_draft["requested_amount_nok"] = 100  # far below the call's NOK 1 million minimum
    assert problems(circular_draft) == set()


def test_the_project_owner_must_be_a_partner(circular_draft: dict[str, Any]) -> None:
    circular_draft["project_owner"] = OUTSIDER
    found = problems(circular_draft)
    assert ("/project_owner", "project_owner_not_partner") in found
    assert ("/partners/0/role", "owner_role_mismatch") in found


def test_only_the_project_owner_has_the_owner_role(circular_draft: dict[str, Any]) -> None:
    circular_draft["partners"][1]["role"] = "owner"
    assert problems(circular_draft) == {("/partners/1/role", "owner_role_mismatch")}


def test_a_partner_is_listed_once(circular_draft: dict[str, Any]) -> None:
    circular_draft["partners"].append({"org_number": PARTNER_B, "name": "B", "role": "partner"})
    assert problems(circular_draft) == {("/partners/3", "partner_duplicate")}


def test_objectives_come_from_the_calls_list(circular_draft: dict[str, Any]) -> None:
    circular_draft["objectives"] = ["industrial_symbiosis", "world_peace"]
    assert problems(circular_draft) == {("/objectives/1", "objective_unknown")}


def test_de_minimis_needs_each_companys_headroom(circular_draft: dict[str, Any]) -> None:
    circular_draft["aid_basis"] = "de_minimis"
    circular_draft["partners"][0]["de_minimis_headroom_nok"] = 500_000
    assert problems(circular_draft) == {
        ("/partners/1/de_minimis_headroom_nok", "de_minimis_headroom_missing"),
        ("/partners/2/de_minimis_headroom_nok", "de_minimis_headroom_missing"),
    }


def test_invalid_values_point_at_the_item_and_do_not_hide_others(
    circular_draft: dict[str, Any],
) -> None:
    circular_draft["partners"][1]["org_number"] = "910000013"  # wrong check digit
    circular_draft["budget"][2]["amount_nok"] = 1.5
    circular_draft["budget"][0]["year"] = 2030
    circular_draft["requested_amount_nok"] = 0
    circular_draft["colour"] = "blue"
    assert problems(circular_draft) == {
        ("/partners/1/org_number", "invalid_value"),
        ("/budget/2/amount_nok", "invalid_value"),
        ("/budget/0/year", "budget_year_outside_period"),
        ("/requested_amount_nok", "requested_amount_not_positive"),
        ("/colour", "unknown_field"),
    }


def test_a_list_part_given_as_something_else_is_invalid(circular_draft: dict[str, Any]) -> None:
    circular_draft["budget"] = {"total": 5}
    assert problems(circular_draft) == {("/budget", "invalid_value")}


def test_every_rule_id_in_use_has_both_texts() -> None:
    assert all(nb and en for nb, en in MESSAGES.values())


_MUTATIONS = st.lists(
    st.sampled_from(
        [
            ("project_end", "2023-01-01"),
            ("requested_amount_nok", 0),
            ("requested_amount_nok", -1),
            ("legal_entity", "123"),
            ("aid_basis", "gber_99"),
            ("title", ""),
            ("title", None),
            ("partners", None),
            ("objectives", [7]),
            ("summary", None),
            ("project_owner", OUTSIDER),
            ("cluster_id", "not-a-uuid"),
        ]
    ),
    max_size=4,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=_MUTATIONS)
def test_a_draft_judged_complete_is_valid_content(
    circular_draft: dict[str, Any], mutations: list[tuple[str, Any]]
) -> None:
    draft = copy.deepcopy(circular_draft)
    for key, value in mutations:
        draft[key] = value
    report = check_completeness(draft, CIRCULAR)
    if report.is_complete:
        ApplicationContent.model_validate(draft)
    else:
        assert mutations
