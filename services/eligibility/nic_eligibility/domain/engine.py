"""The rule engine: rules are data, predicates are code looked up by name.

A predicate gets the assessment context and returns a Verdict (outcome and the facts it
used). The engine renders messages and folds the results into one outcome: any hard
failure makes the application ineligible, else any soft failure sends it to manual review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nic_eligibility.domain.messages import render
from nic_eligibility.domain.model import FactValue, Rule, RuleResult
from nic_shared.events.eligibility import Outcome, RuleOutcome

if TYPE_CHECKING:
    from nic_eligibility.domain.context import Context


@dataclass(frozen=True)
class Verdict:
    """What a predicate decided and the facts it decided on."""

    outcome: RuleOutcome
    facts: Mapping[str, FactValue] = field(default_factory=dict)


def passed(**facts: FactValue) -> Verdict:
    return Verdict(RuleOutcome.PASS, facts)


def failed(**facts: FactValue) -> Verdict:
    return Verdict(RuleOutcome.FAIL, facts)


def not_applicable(**facts: FactValue) -> Verdict:
    return Verdict(RuleOutcome.NOT_APPLICABLE, facts)


def check(condition: bool, **facts: FactValue) -> Verdict:
    """Pass when the condition holds, fail otherwise, with the same facts either way."""
    return passed(**facts) if condition else failed(**facts)


Predicate = Callable[["Context"], Verdict]

PREDICATES: dict[str, Predicate] = {}
"""Every predicate by name; rule sets refer to these names."""


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate under a name a rule can refer to."""

    def register(func: Predicate) -> Predicate:
        if name in PREDICATES:
            raise RuntimeError(f"predicate {name} registered twice")
        PREDICATES[name] = func
        return func

    return register


_PREFIX = {
    RuleOutcome.PASS: ("", ""),
    RuleOutcome.FAIL: ("Ikke oppfylt: ", "Not met: "),
    RuleOutcome.NOT_APPLICABLE: ("Ikke relevant: ", "Not applicable: "),
}


def evaluate(
    rule: Rule, context: Context, predicates: Mapping[str, Predicate] = PREDICATES
) -> RuleResult:
    """Run one rule's predicate and render its messages from parameters and facts."""
    verdict = predicates[rule.predicate](context)
    values = {**context.params.values, **verdict.facts}
    prefix_nb, prefix_en = _PREFIX[verdict.outcome]
    message_nb = prefix_nb + render(rule.requirement.nb, values)
    message_en = prefix_en + render(rule.requirement.en, values)
    if verdict.outcome is RuleOutcome.FAIL and rule.failure is not None:
        message_nb += " " + render(rule.failure.nb, values)
        message_en += " " + render(rule.failure.en, values)
    return RuleResult(
        rule_id=rule.id,
        clause=rule.clause,
        severity=rule.severity,
        outcome=verdict.outcome,
        facts=dict(verdict.facts),
        message_nb=message_nb,
        message_en=message_en,
    )


def overall(results: Iterable[RuleResult]) -> Outcome:
    """Any hard failure: ineligible; else any soft failure: needs review; else eligible."""
    items = list(results)
    if any(r.is_hard_fail for r in items):
        return Outcome.INELIGIBLE
    if any(r.is_soft_fail for r in items):
        return Outcome.NEEDS_REVIEW
    return Outcome.ELIGIBLE
