"""A rule set as data, and the rules every call shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nic_eligibility.domain.model import Clause, Messages, Rule, Severity
from nic_eligibility.domain.parameters import ParameterSpec

FactsDate = Literal["submission", "deadline"]


@dataclass(frozen=True)
class RuleSet:
    """Named rules with declared parameters; `facts_at` says which date the facts are for."""

    name: str
    parameters: tuple[ParameterSpec, ...]
    rules: tuple[Rule, ...]
    facts_at: FactsDate = "submission"

    def with_rule(self, rule: Rule) -> RuleSet:
        """This set with one more rule (a call-specific addition, or a test)."""
        return RuleSet(self.name, self.parameters, (*self.rules, rule), self.facts_at)


HARD, SOFT = Severity.HARD, Severity.SOFT

COMMON_RULES: tuple[Rule, ...] = (
    Rule(
        id="submitted_by_deadline",
        clause=Clause("000 Frist / 004 Frist", "PROGRAMME.md §3 (deadlines in Oslo time)"),
        severity=HARD,
        predicate="submitted_by_deadline",
        requirement=Messages(
            nb="Søknaden er sendt inn før fristen ({deadline}).",
            en="The application was submitted before the deadline ({deadline}).",
        ),
        failure=Messages(nb="Sendt inn {submitted_at}.", en="Submitted {submitted_at}."),
    ),
    Rule(
        id="organisations_known",
        clause=Clause("REFERENCE.md §1.2 / §8 LOOKUP", "PROGRAMME.md §3 (Brønnøysund facts)"),
        severity=HARD,
        predicate="organisations_known",
        requirement=Messages(
            nb="Alle organisasjonsnumre finnes i Enhetsregisteret.",
            en="Every organisation number is known to the register.",
        ),
        failure=Messages(nb="Ukjent: {unknown}.", en="Unknown: {unknown}."),
    ),
    Rule(
        id="organisations_active",
        clause=Clause("REFERENCE.md §8 STATUS", "PROGRAMME.md §3 (Brønnøysund facts)"),
        severity=HARD,
        predicate="organisations_active",
        requirement=Messages(
            nb="Ingen deltaker er konkurs, under avvikling eller slettet.",
            en="No participant is bankrupt, being wound up or deleted.",
        ),
        failure=Messages(nb="Gjelder: {inactive}.", en="Concerns: {inactive}."),
    ),
)

CONTACT_PERSON = Rule(
    id="contact_person_named",
    clause=Clause("000 Formelle krav til søker", "PROGRAMME.md §2a"),
    severity=HARD,
    predicate="contact_person_named",
    requirement=Messages(
        nb="Søknaden oppgir én ansvarlig kontaktperson.",
        en="The application names one responsible contact person.",
    ),
)

CONTRACT_PARTY = Rule(
    id="contract_party_is_cluster_entity",
    clause=Clause("000 Formelle krav til søker", "PROGRAMME.md §2a"),
    severity=HARD,
    predicate="legal_entity_is_facilitator",
    requirement=Messages(
        nb="Én juridisk enhet er formell avtalepart, og den er klyngens fasilitator.",
        en="One legal entity is the formal contract party, and it is the cluster's facilitator.",
    ),
    failure=Messages(
        nb="Avtalepart {legal_entity}, fasilitator {facilitator}.",
        en="Contract party {legal_entity}, facilitator {facilitator}.",
    ),
)
