"""The eligibility domain core: rule sets as data, predicates by name, one `assess` call.

No HTTP, database or Kafka here; the service feeds an AssessmentInput and stores or
publishes the Assessment.
"""

from nic_eligibility.domain.assess import assess, assess_with, facts_date
from nic_eligibility.domain.context import involved_keys
from nic_eligibility.domain.engine import PREDICATES, Verdict, overall, predicate
from nic_eligibility.domain.errors import (
    EligibilityError,
    FactsDateMismatch,
    FactsIncomplete,
    InvalidParameters,
    UnknownRuleSet,
)
from nic_eligibility.domain.model import (
    Assessment,
    AssessmentInput,
    Clause,
    Messages,
    Rule,
    RuleResult,
    Severity,
)
from nic_eligibility.domain.rulesets import RULE_SETS, RuleSet, get_rule_set

__all__ = [
    "PREDICATES",
    "RULE_SETS",
    "Assessment",
    "AssessmentInput",
    "Clause",
    "EligibilityError",
    "FactsDateMismatch",
    "FactsIncomplete",
    "InvalidParameters",
    "Messages",
    "Rule",
    "RuleResult",
    "RuleSet",
    "Severity",
    "UnknownRuleSet",
    "Verdict",
    "assess",
    "assess_with",
    "facts_date",
    "get_rule_set",
    "involved_keys",
    "overall",
    "predicate",
]
