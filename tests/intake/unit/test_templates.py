"""Each scheme's template carries the seeds' defaults as data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nic_intake.domain.call_terms import terms_problems
from nic_intake.domain.parts import is_known_part
from nic_intake.domain.scoring_defaults import FORSKNINGSRADET_SCALE
from nic_intake.domain.templates import TEMPLATES, template_for
from nic_shared.events.specs import Scheme


def weights(scheme: Scheme) -> dict[str, int]:
    return {c.id: c.weight for c in template_for(scheme).scoring_scheme.criteria}


def test_every_scheme_has_a_sound_template() -> None:
    assert set(TEMPLATES) == set(Scheme)
    for scheme, terms in TEMPLATES.items():
        assert terms.scheme is scheme
        assert terms_problems(terms) == []
        assert all(is_known_part(p) for p in terms.required_parts)


def test_innovasjonsrammen_rule_set_is_the_contract_with_eligibility() -> None:
    rule_set = template_for(Scheme.INNOVASJONSRAMMEN).rule_set
    assert rule_set.name == "innovasjonsrammen"
    assert rule_set.parameters == {
        "min_companies": 2,
        "max_grant_nok": 300_000,
        "max_aid_intensity_percent": 50,
        "min_sme_share_percent": 50,
    }


def test_innovasjonsrammen_grants_up_to_300000_at_50_percent() -> None:
    terms = template_for(Scheme.INNOVASJONSRAMMEN)
    assert (terms.grant_min_nok, terms.grant_max_nok) == (None, 300_000)
    assert terms.max_aid_intensity_percent == 50


def test_innovasjonsrammen_weights_follow_seed_003() -> None:
    scheme = template_for(Scheme.INNOVASJONSRAMMEN).scoring_scheme
    assert weights(Scheme.INNOVASJONSRAMMEN) == {
        "strategy_anchoring": 25,
        "novelty": 35,
        "sustainability": 20,
        "ability_to_deliver": 20,
    }
    assert [c.name.nb for c in scheme.criteria] == [
        "Forankring i klyngens strategi",
        "Nyhetsgrad / innovasjonsgrad",
        "Bærekraft",
        "Gjennomføringsevne",
    ]
    assert scheme.tie_break == ["novelty", "strategy_anchoring"]


def test_innovasjonsrammen_cluster_forwards_two_to_four_proposals() -> None:
    limits = template_for(Scheme.INNOVASJONSRAMMEN).proposal_limits
    assert limits is not None
    assert (limits.minimum, limits.maximum) == (2, 4)


def test_forskningsradet_scale_is_1_to_7_with_official_labels() -> None:
    scale = FORSKNINGSRADET_SCALE
    assert (scale.min, scale.max, scale.step) == (Decimal(1), Decimal(7), Decimal(1))
    assert scale.labels["7"].nb == "Fremragende"
    assert scale.labels["7"].en == "Exceptional"
    assert scale.labels["1"].en == "Poor"
    assert sorted(scale.labels) == [str(mark) for mark in range(1, 8)]


def test_circular_rule_set_is_the_contract_with_eligibility() -> None:
    terms = template_for(Scheme.CIRCULAR_VALUE_CHAINS)
    assert terms.rule_set.name == "circular_value_chains"
    assert terms.rule_set.parameters == {
        "min_companies": 3,
        "grant_min_nok": 1_000_000,
        "grant_max_nok": 2_500_000,
        "max_aid_intensity_percent": 50,
        "gber_articles": ["gber_25", "gber_27", "gber_29", "gber_49"],
        "objectives": [
            "industrial_symbiosis",
            "circular_value_chain",
            "fewer_virgin_materials_or_emissions",
        ],
    }
    assert (terms.grant_min_nok, terms.grant_max_nok) == (1_000_000, 2_500_000)


def test_circular_scoring_covers_the_six_musts_and_the_objectives() -> None:
    criteria = weights(Scheme.CIRCULAR_VALUE_CHAINS)
    assert len(criteria) == 7
    assert "circular_objectives" in criteria
    assert sum(criteria.values()) == 100


def test_mature_clusters_default_to_forskningsradet_criteria() -> None:
    terms = template_for(Scheme.MATURE_CLUSTERS)
    assert terms.rule_set.name == "mature_clusters"
    assert terms.rule_set.parameters == {}
    assert set(weights(Scheme.MATURE_CLUSTERS)) == {"excellence", "impact", "implementation"}
    assert "legal_entity" in terms.required_parts
    assert "contact_person" in terms.required_parts


@pytest.mark.parametrize("scheme", [Scheme.ARENA, Scheme.ARENA_PRO])
def test_admission_is_judged_on_five_equal_qualification_areas(scheme: Scheme) -> None:
    terms = template_for(scheme)
    assert terms.rule_set.name == "arena_admission"
    assert terms.rule_set.parameters == {"level": scheme.value}
    assert weights(scheme) == {
        "ambitions_and_goals": 20,
        "resource_base": 20,
        "value_creation_potential": 20,
        "implementation_plan": 20,
        "ecosystem_role": 20,
    }


def test_arena_pro_also_requires_a_development_strategy() -> None:
    assert "attachment:development_strategy" in template_for(Scheme.ARENA_PRO).required_parts
    assert "attachment:development_strategy" not in template_for(Scheme.ARENA).required_parts
