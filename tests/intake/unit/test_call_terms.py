"""Every template value can be overridden per call; the result is validated as a whole."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from nic_intake.domain.call_terms import CallConfigError, CallOverrides, publish_call
from nic_intake.domain.scoring_defaults import FORSKNINGSRADET_SCALE
from nic_intake.domain.templates import template_for, terms_for
from nic_shared.events.specs import Criterion, LocalText, Scheme, ScoringSchemeSpec


def test_no_overrides_gives_the_template() -> None:
    assert terms_for(Scheme.INNOVASJONSRAMMEN) == template_for(Scheme.INNOVASJONSRAMMEN)


def test_a_lower_grant_cap_is_also_what_eligibility_checks() -> None:
    terms = terms_for(Scheme.INNOVASJONSRAMMEN, {"grant_max_nok": 150_000})
    assert terms.grant_max_nok == 150_000
    assert terms.rule_set.parameters["max_grant_nok"] == 150_000


def test_aid_intensity_override_reaches_the_rule_set() -> None:
    terms = terms_for(Scheme.CIRCULAR_VALUE_CHAINS, {"max_aid_intensity_percent": 40})
    assert terms.rule_set.parameters["max_aid_intensity_percent"] == 40


def test_clearing_the_minimum_grant_removes_it_from_the_rule_set() -> None:
    terms = terms_for(Scheme.CIRCULAR_VALUE_CHAINS, {"grant_min_nok": None})
    assert terms.grant_min_nok is None
    assert "grant_min_nok" not in terms.rule_set.parameters


def test_rule_parameters_merge_key_by_key() -> None:
    terms = terms_for(Scheme.CIRCULAR_VALUE_CHAINS, {"rule_set_parameters": {"min_companies": 4}})
    assert terms.rule_set.parameters["min_companies"] == 4
    assert terms.rule_set.parameters["gber_articles"] == [
        "gber_25",
        "gber_27",
        "gber_29",
        "gber_49",
    ]


def test_a_mirrored_limit_set_only_in_the_rule_set_is_refused() -> None:
    with pytest.raises(CallConfigError, match="set grant_max_nok instead"):
        terms_for(Scheme.INNOVASJONSRAMMEN, {"rule_set_parameters": {"max_grant_nok": 1}})


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(CallConfigError) as refused:
        terms_for(
            Scheme.CIRCULAR_VALUE_CHAINS,
            {"grant_min_nok": 3_000_000, "required_parts": ["title", "budgett"]},
        )
    problems = " | ".join(refused.value.problems)
    assert "grant_min_nok 3000000 is above grant_max_nok 2500000" in problems
    assert "unknown required parts: ['budgett']" in problems


def test_required_parts_can_be_replaced_including_new_attachment_kinds() -> None:
    parts = ["title", "budget", "attachment:sketch"]
    assert terms_for(Scheme.ARENA, {"required_parts": parts}).required_parts == tuple(parts)


def test_scoring_scheme_can_be_replaced() -> None:
    scheme = ScoringSchemeSpec(
        criteria=[Criterion(id="quality", name=LocalText(nb="Kvalitet", en="Quality"), weight=100)],
        scale=FORSKNINGSRADET_SCALE,
    )
    assert terms_for(Scheme.MATURE_CLUSTERS, {"scoring_scheme": scheme}).scoring_scheme == scheme


def test_scoring_scheme_cannot_be_cleared() -> None:
    with pytest.raises(CallConfigError, match="scoring_scheme cannot be cleared"):
        terms_for(Scheme.MATURE_CLUSTERS, {"scoring_scheme": None})


def test_proposal_limits_can_be_changed_per_round() -> None:
    terms = terms_for(Scheme.INNOVASJONSRAMMEN, {"proposal_limits_max": 6})
    assert terms.proposal_limits is not None
    assert (terms.proposal_limits.minimum, terms.proposal_limits.maximum) == (2, 6)


def test_inverted_proposal_limits_are_refused() -> None:
    with pytest.raises(CallConfigError, match="minimum <= maximum"):
        terms_for(Scheme.INNOVASJONSRAMMEN, {"proposal_limits_min": 5})


def test_unknown_override_and_float_money_are_refused_at_the_edge() -> None:
    with pytest.raises(ValidationError):
        CallOverrides.model_validate({"grant_max": 1})
    with pytest.raises(ValidationError):
        CallOverrides.model_validate({"grant_max_nok": 1.5})


def test_publishing_needs_an_aware_window_that_opens_before_it_closes() -> None:
    terms = terms_for(Scheme.ARENA)
    title = LocalText(nb="Opptak", en="Admission")
    naive = datetime(2024, 6, 21, 16)  # noqa: DTZ001 - the point of the test
    with pytest.raises(CallConfigError, match="timezone-aware"):
        publish_call(
            terms,
            call_id=uuid4(),
            code="X",
            title=title,
            opens_at=naive,
            deadline=naive,
            budget_frame_nok=1,
        )
