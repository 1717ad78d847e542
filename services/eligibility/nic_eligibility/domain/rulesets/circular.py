"""Collaboration projects for circular value chains (seed 004, PROGRAMME.md §2c).

The grant range is soft ("i størrelsesorden 1-2,5 millioner": about, so a person looks),
the 50 % intensity hard ("vil uansett ikke overstige 50 prosent"). The GBER caps are a
simplified table (see `aid.py`), so breaching them is soft too.
"""

from __future__ import annotations

from nic_eligibility.domain.model import Clause, Messages, Rule
from nic_eligibility.domain.parameters import ParameterSpec
from nic_eligibility.domain.rulesets.base import COMMON_RULES, HARD, SOFT, RuleSet

COMPOSITION = Clause("004 Krav til sammensetning av prosjekt", "PROGRAMME.md §2c Consortium")
WHO = Clause("004 Hvem kan søke om finansiering", "PROGRAMME.md §2c Who may apply")
AID = Clause("004 Krav til støtte", "PROGRAMME.md §2c Aid; REFERENCE.md §4-5")

RULES: tuple[Rule, ...] = (
    Rule(
        id="min_registered_companies",
        clause=COMPOSITION,
        severity=HARD,
        predicate="min_registered_companies",
        requirement=Messages(
            nb="Minst {min_companies} bedrifter registrert i Foretaksregisteret deltar.",
            en="At least {min_companies} companies registered in Foretaksregisteret take part.",
        ),
        failure=Messages(nb="Fant {count}.", en="Found {count}."),
    ),
    Rule(
        id="owner_not_public_or_research",
        clause=COMPOSITION,
        severity=HARD,
        predicate="owner_not_public_or_research",
        requirement=Messages(
            nb="Prosjekteier er verken offentlig aktør eller forskningsinstitutt.",
            en="The project owner is neither a public actor nor a research institute.",
        ),
        failure=Messages(
            nb="{owner}: offentlig {public}, forskning {research}.",
            en="{owner}: public {public}, research {research}.",
        ),
    ),
    Rule(
        id="nic_or_business_network_link",
        clause=WHO,
        severity=HARD,
        predicate="nic_or_business_network_link",
        requirement=Messages(
            nb="Minst én bedrift er medlem i en nåværende eller tidligere NIC-klynge eller "
            "aktiv bedriftsnettverk-kunde, eller søker er en nåværende eller tidligere klynge.",
            en="At least one company is a member of a current or former NIC cluster or an "
            "active business-network customer, or the applicant is a current or former cluster.",
        ),
    ),
    Rule(
        id="objective_chosen",
        clause=Clause("004 Kriterier for valg av prosjekt", "PROGRAMME.md §2c Objectives"),
        severity=HARD,
        predicate="objective_chosen",
        requirement=Messages(
            nb="Prosjektet har minst én av målsetningene: {allowed}.",
            en="The project pursues at least one of the objectives: {allowed}.",
        ),
    ),
    Rule(
        id="grant_within_range",
        clause=Clause("004 Krav til støtte (1-2,5 millioner)", "PROGRAMME.md §2c Amount"),
        severity=SOFT,
        predicate="grant_within_range",
        requirement=Messages(
            nb="Tilskuddet er i størrelsesorden kr {grant_min_nok}-{grant_max_nok}.",
            en="The grant is about NOK {grant_min_nok}-{grant_max_nok}.",
        ),
        failure=Messages(nb="Søkt: kr {requested_nok}.", en="Requested: NOK {requested_nok}."),
    ),
    Rule(
        id="aid_intensity_within_max",
        clause=Clause("004 Krav til støtte (høyst 50 prosent)", "PROGRAMME.md §2c Amount"),
        severity=HARD,
        predicate="aid_intensity_within_max",
        requirement=Messages(
            nb="Støtteandelen er høyst {max_aid_intensity_percent} %.",
            en="The aid intensity is at most {max_aid_intensity_percent} %.",
        ),
        failure=Messages(nb="Søkt: {intensity_percent} %.", en="Requested: {intensity_percent} %."),
    ),
    Rule(
        id="aid_basis_allowed",
        clause=AID,
        severity=HARD,
        predicate="aid_basis_allowed",
        requirement=Messages(
            nb="Støttegrunnlaget er bagatellmessig støtte eller et av gruppeunntakene "
            "{gber_articles}.",
            en="The aid basis is de minimis or one of the GBER articles {gber_articles}.",
        ),
        failure=Messages(nb="Oppgitt: {aid_basis}.", en="Given: {aid_basis}."),
    ),
    Rule(
        id="de_minimis_headroom",
        clause=Clause("004 Krav til støtte (bagatellramme)", "PROGRAMME.md §2c; REFERENCE.md §4"),
        severity=HARD,
        predicate="de_minimis_headroom",
        requirement=Messages(
            nb="Hver deltakers bagatellramme dekker dens andel av tilskuddet.",
            en="Each participant's de minimis headroom covers its share of the grant.",
        ),
        failure=Messages(nb="For liten ramme: {short}.", en="Headroom too small: {short}."),
    ),
    Rule(
        id="gber_intensity_cap",
        clause=Clause("004 Krav til støtte (gruppeunntak)", "REFERENCE.md §5, §8"),
        severity=SOFT,
        predicate="gber_intensity_cap",
        requirement=Messages(
            nb="Tilskuddet er innenfor gruppeunntakets støtteandeler.",
            en="The grant is within the GBER article's aid intensities.",
        ),
        failure=Messages(
            nb="{aid_basis}: høyst kr {max_aid_nok}, søkt kr {requested_nok}.",
            en="{aid_basis}: at most NOK {max_aid_nok}, requested NOK {requested_nok}.",
        ),
    ),
)

CIRCULAR_VALUE_CHAINS = RuleSet(
    name="circular_value_chains",
    parameters=(
        ParameterSpec("min_companies", "int", 3),
        ParameterSpec("grant_min_nok", "int", None),
        ParameterSpec("grant_max_nok", "int", None),
        ParameterSpec("max_aid_intensity_percent", "percent", 50),
        ParameterSpec("gber_articles", "str_list", ["gber_25", "gber_27", "gber_29", "gber_49"]),
        ParameterSpec(
            "objectives",
            "str_list",
            ["industrial_symbiosis", "circular_value_chain", "fewer_virgin_materials_or_emissions"],
        ),
    ),
    rules=(*COMMON_RULES, *RULES),
)
