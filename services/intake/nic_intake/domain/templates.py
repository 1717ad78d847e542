"""One template of defaults per call scheme, as data (PROGRAMME §2, seeds 000–004).

A call starts from its scheme's template and overrides what it needs (configure_call), so a
new round with other limits or weights needs no code. Rule-set names and parameters are a
contract with the eligibility service: change them only together with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nic_intake.domain.call_terms import CallOverrides, CallTerms, configure_call
from nic_intake.domain.parts import attachment_part
from nic_intake.domain.priority import ProposalLimits
from nic_intake.domain.scoring_defaults import (
    ARENA_SCORING,
    CIRCULAR_VALUE_CHAINS_SCORING,
    INNOVASJONSRAMMEN_SCORING,
    MATURE_CLUSTERS_SCORING,
)
from nic_shared.events.specs import RuleSetSpec, Scheme

NIC_MAX_AID_INTENSITY_PERCENT = 50
"""NIC's general rule: public support at most 50 % of eligible cost (REFERENCE §6.1)."""

_COMMON_PARTS = ("title", "summary", "project_period", "contact_person", "partners", "budget")

INNOVASJONSRAMMEN = CallTerms(
    scheme=Scheme.INNOVASJONSRAMMEN,
    # Seed 003: companies send a proposal on the template to their cluster (cluster_id).
    required_parts=(
        *_COMMON_PARTS,
        "project_owner",
        "cluster",
        "requested_amount",
        attachment_part("project_description"),
    ),
    grant_min_nok=None,
    grant_max_nok=300_000,
    max_aid_intensity_percent=50,
    rule_set=RuleSetSpec(
        name="innovasjonsrammen",
        parameters={
            "min_companies": 2,
            "max_grant_nok": 300_000,
            "max_aid_intensity_percent": 50,
            "min_sme_share_percent": 50,
        },
    ),
    scoring_scheme=INNOVASJONSRAMMEN_SCORING,
    proposal_limits=ProposalLimits(minimum=2, maximum=4),
    parameter_mirrors={
        "grant_max_nok": "max_grant_nok",
        "max_aid_intensity_percent": "max_aid_intensity_percent",
    },
)

CIRCULAR_VALUE_CHAINS = CallTerms(
    scheme=Scheme.CIRCULAR_VALUE_CHAINS,
    # Seed 004: objectives, aid basis, and each company's goals and motivation as attachment.
    required_parts=(
        *_COMMON_PARTS,
        "project_owner",
        "requested_amount",
        "objectives",
        "aid_basis",
        "implementation_plan",
        attachment_part("partner_goals_and_motivation"),
    ),
    grant_min_nok=1_000_000,
    grant_max_nok=2_500_000,
    max_aid_intensity_percent=50,
    rule_set=RuleSetSpec(
        name="circular_value_chains",
        parameters={
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
        },
    ),
    scoring_scheme=CIRCULAR_VALUE_CHAINS_SCORING,
    parameter_mirrors={
        "grant_min_nok": "grant_min_nok",
        "grant_max_nok": "grant_max_nok",
        "max_aid_intensity_percent": "max_aid_intensity_percent",
    },
)

MATURE_CLUSTERS = CallTerms(
    scheme=Scheme.MATURE_CLUSTERS,
    # Seed 000: one contact person, one legal entity as contract party, and the attachments
    # made from the call's templates (application, budget, implementation plan, partners).
    required_parts=(
        *_COMMON_PARTS,
        "legal_entity",
        "requested_amount",
        attachment_part("application_form"),
        attachment_part("budget"),
        attachment_part("implementation_plan"),
        attachment_part("partner_description"),
    ),
    grant_min_nok=None,  # seed 000 gives no amounts
    grant_max_nok=None,
    max_aid_intensity_percent=NIC_MAX_AID_INTENSITY_PERCENT,
    rule_set=RuleSetSpec(name="mature_clusters"),
    scoring_scheme=MATURE_CLUSTERS_SCORING,
)

_ADMISSION_PARTS = (
    "title",
    "summary",
    "project_period",
    "contact_person",
    "legal_entity",
    "partners",
    "budget",
    "requested_amount",
    "objectives",
    "implementation_plan",
)


def _admission(scheme: Scheme, *extra_parts: str) -> CallTerms:
    """Arena and Arena Pro admission: judged on the five qualification areas (seed 002).

    Seed 002 gives support per year (Arena NOK 2 m/yr for up to 3 years; Arena Pro NOK 3 m
    operating + up to 3 m development per year), not a per-application limit: grant limits
    stay None and are set per call. 50 % follows GBER art. 27 operating aid.
    """
    return CallTerms(
        scheme=scheme,
        required_parts=(*_ADMISSION_PARTS, *extra_parts),
        grant_min_nok=None,
        grant_max_nok=None,
        max_aid_intensity_percent=NIC_MAX_AID_INTENSITY_PERCENT,
        rule_set=RuleSetSpec(name="arena_admission", parameters={"level": scheme.value}),
        scoring_scheme=ARENA_SCORING,
    )


ARENA = _admission(Scheme.ARENA)
# Arena Pro applicants must show a development strategy beyond operations (seed 002).
ARENA_PRO = _admission(Scheme.ARENA_PRO, attachment_part("development_strategy"))

TEMPLATES: dict[Scheme, CallTerms] = {
    terms.scheme: terms
    for terms in (MATURE_CLUSTERS, INNOVASJONSRAMMEN, CIRCULAR_VALUE_CHAINS, ARENA, ARENA_PRO)
}


def template_for(scheme: Scheme) -> CallTerms:
    """The defaults of a scheme; every scheme has one."""
    return TEMPLATES[scheme]


def terms_for(
    scheme: Scheme, overrides: CallOverrides | Mapping[str, Any] | None = None
) -> CallTerms:
    """A call's terms: the scheme's template merged with per-call overrides, validated."""
    return configure_call(template_for(scheme), overrides)
