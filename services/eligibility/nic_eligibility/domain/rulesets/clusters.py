"""Calls to cluster organisations: mature clusters (seed 000) and Arena / Arena Pro (002, 001).

Arena admission keeps to formal checks a machine can make; the five qualification areas
(PROGRAMME.md §1) are for the panel. Arena Pro needs no earlier level (a cluster may enter
directly), but its plan must carry development projects; spotting them in text is only a
hint, so that rule is soft and a person confirms.
"""

from __future__ import annotations

from dataclasses import replace

from nic_eligibility.domain.model import Clause, Messages, Rule
from nic_eligibility.domain.parameters import ParameterSpec
from nic_eligibility.domain.rulesets.base import (
    COMMON_RULES,
    CONTACT_PERSON,
    CONTRACT_PARTY,
    HARD,
    SOFT,
    RuleSet,
)

MATURE_CLUSTERS = RuleSet(
    name="mature_clusters",
    parameters=(),
    rules=(
        *COMMON_RULES,
        Rule(
            id="applicant_mature_cluster",
            clause=Clause("000 Formelle krav til søker", "PROGRAMME.md §2a Who"),
            severity=HARD,
            predicate="applicant_mature_cluster",
            requirement=Messages(
                nb="Søker er fasilitator for en klynge prekvalifisert som moden ved fristen.",
                en="The applicant runs a cluster prequalified as mature at the deadline.",
            ),
            failure=Messages(
                nb="Søker {applicant}, fasilitator {facilitator}, moden {mature_qualified}.",
                en="Applicant {applicant}, facilitator {facilitator}, mature {mature_qualified}.",
            ),
        ),
        CONTACT_PERSON,
        CONTRACT_PARTY,
    ),
    facts_at="deadline",
)

BY_ANALOGY = Clause("000 Formelle krav til søker (by analogy)", "PROGRAMME.md §2a, §2d")
"""The admission texts name no formal parts; we ask what the mature-cluster call asks."""

ARENA_ADMISSION = RuleSet(
    name="arena_admission",
    parameters=(ParameterSpec("level", "str", "arena", choices=("arena", "arena_pro")),),
    rules=(
        *COMMON_RULES,
        Rule(
            id="applicant_is_cluster_facilitator",
            clause=Clause("002 En klyngeorganisasjon", "PROGRAMME.md §1, §2d"),
            severity=HARD,
            predicate="applicant_is_cluster_facilitator",
            requirement=Messages(
                nb="Søker er klyngens fasilitator (juridisk enhet).",
                en="The applicant is the cluster's facilitator (legal entity).",
            ),
            failure=Messages(
                nb="Søker {applicant}, fasilitator {facilitator}.",
                en="Applicant {applicant}, facilitator {facilitator}.",
            ),
        ),
        replace(CONTACT_PERSON, clause=BY_ANALOGY),
        replace(CONTRACT_PARTY, clause=BY_ANALOGY),
        Rule(
            id="implementation_plan_present",
            clause=Clause("002 Kvalifisering, område 4: gjennomføringsplan", "PROGRAMME.md §1"),
            severity=HARD,
            predicate="implementation_plan_present",
            requirement=Messages(
                nb="Søknaden har en gjennomføringsplan.",
                en="The application carries an implementation plan.",
            ),
        ),
        Rule(
            id="development_projects_in_plan",
            clause=Clause("002 Arena Pro: utviklingsprosjekter", "PROGRAMME.md §2d"),
            severity=SOFT,
            predicate="development_projects_in_plan",
            requirement=Messages(
                nb="Gjennomføringsplanen for Arena Pro beskriver utviklingsprosjekter.",
                en="The Arena Pro implementation plan describes development projects.",
            ),
        ),
    ),
)
