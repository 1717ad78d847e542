"""The values the engine works on: its input, a rule as data, and the results.

Plain frozen dataclasses around the shared pydantic contracts, so the domain has no
framework beyond the contracts it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeAlias

from nic_shared.contracts.registry_facts import FactsResponse
from nic_shared.events.eligibility import Outcome, RuleOutcome, RuleResultSummary
from nic_shared.events.intake import ApplicationContent
from nic_shared.events.specs import RuleParameter, RuleSetSpec

FactValue = str | int | bool | None | list[str]
"""What a rule may record about the facts it used: small and JSON-friendly."""

Facts = Mapping[str, FactValue]
ParameterValue: TypeAlias = RuleParameter


class Severity(StrEnum):
    """Hard failures make an application ineligible; soft ones send it to manual review."""

    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True)
class Clause:
    """Where a rule comes from: the seed text and the section of our own rule pages."""

    seed: str
    section: str

    def __str__(self) -> str:
        return f"{self.seed} / {self.section}"


@dataclass(frozen=True)
class Messages:
    """A text in bokmål and English; `{name}` fields are filled from parameters and facts."""

    nb: str
    en: str


@dataclass(frozen=True)
class Rule:
    """One eligibility rule as data; `predicate` names the code that decides it."""

    id: str
    clause: Clause
    severity: Severity
    predicate: str
    requirement: Messages
    failure: Messages | None = None


@dataclass(frozen=True)
class AssessmentInput:
    """Everything a decision may depend on; nothing else is read (no clock, no I/O)."""

    content: ApplicationContent
    applicant_org_number: str
    submitted_at: datetime
    deadline: datetime
    rule_set: RuleSetSpec
    facts: FactsResponse

    def __post_init__(self) -> None:
        for name in ("submitted_at", "deadline"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class RuleResult:
    """A rule's outcome with the facts it was decided on and its rendered message."""

    rule_id: str
    clause: Clause
    severity: Severity
    outcome: RuleOutcome
    facts: Facts
    message_nb: str
    message_en: str

    @property
    def is_hard_fail(self) -> bool:
        return self.outcome is RuleOutcome.FAIL and self.severity is Severity.HARD

    @property
    def is_soft_fail(self) -> bool:
        return self.outcome is RuleOutcome.FAIL and self.severity is Severity.SOFT

    def summary(self) -> RuleResultSummary:
        """The shape published in EligibilityAssessed."""
        return RuleResultSummary(
            rule_id=self.rule_id,
            clause=str(self.clause),
            outcome=self.outcome,
            severity=self.severity.value,
            message_nb=self.message_nb,
            message_en=self.message_en,
            facts={key: list(v) if isinstance(v, list) else v for key, v in self.facts.items()},
        )


@dataclass(frozen=True)
class Assessment:
    """The decision: overall outcome, the rule set it used, and one result per rule."""

    outcome: Outcome
    rule_set: str
    rule_set_version: int
    parameters: Mapping[str, ParameterValue | None]
    results: tuple[RuleResult, ...]
    facts_as_of: date

    def result(self, rule_id: str) -> RuleResult:
        """The result of one rule; KeyError when the rule set has no such rule."""
        for item in self.results:
            if item.rule_id == rule_id:
                return item
        raise KeyError(rule_id)

    def summaries(self) -> list[RuleResultSummary]:
        return [r.summary() for r in self.results]
