"""The one entry point: `assess(input) -> Assessment`, for real assessments and dry runs.

Pure: the same input gives the same assessment, so `POST /v1/eligibility/check` can call it
without side effects, and the stored assessment can be recomputed from its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from nic_eligibility.domain import predicates as _predicates  # noqa: F401  (registers them)
from nic_eligibility.domain.context import build_context, oslo_date
from nic_eligibility.domain.engine import PREDICATES, Predicate, evaluate, overall
from nic_eligibility.domain.model import Assessment, AssessmentInput
from nic_eligibility.domain.parameters import resolve
from nic_eligibility.domain.rulesets import RuleSet, get_rule_set
from nic_shared.events.specs import RuleSetSpec


def facts_date(spec: RuleSetSpec, *, submitted_at: datetime, deadline: datetime) -> date:
    """The Oslo date the registry facts must be taken on for this rule set.

    Most calls decide on the facts at submission; mature clusters must be qualified at the
    deadline. The service asks the registry for this date; `assess` refuses any other.
    """
    when = deadline if get_rule_set(spec.name).facts_at == "deadline" else submitted_at
    return oslo_date(when)


def assess(data: AssessmentInput) -> Assessment:
    """Assess an application against the rule set its call names.

    Raises UnknownRuleSet, InvalidParameters, or FactsIncomplete (the facts do not cover
    the application or are for the wrong date): then no decision is made.
    """
    return assess_with(get_rule_set(data.rule_set.name), data)


def assess_with(
    rule_set: RuleSet,
    data: AssessmentInput,
    predicates: Mapping[str, Predicate] = PREDICATES,
) -> Assessment:
    """Assess against a given rule set: for rule sets built in code, and for tests."""
    params = resolve(rule_set.parameters, data.rule_set.parameters)
    when = data.deadline if rule_set.facts_at == "deadline" else data.submitted_at
    context = build_context(data, params, oslo_date(when))
    results = tuple(evaluate(rule, context, predicates) for rule in rule_set.rules)
    return Assessment(
        outcome=overall(results),
        rule_set=rule_set.name,
        rule_set_version=data.rule_set.version,
        parameters=dict(params.values),
        results=results,
        facts_as_of=data.facts.as_of,
    )
