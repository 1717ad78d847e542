"""Why an assessment cannot be made at all (as opposed to a rule that fails).

    EligibilityError
     ├── UnknownRuleSet       the call names a rule set this service does not have
     ├── InvalidParameters    a rule-set parameter is unknown or of the wrong type
     └── FactsIncomplete      the registry answer does not cover the application
          └── FactsDateMismatch  the facts are for another date than the rule set needs

The service never decides on missing facts: it fetches them again and retries.
"""

from __future__ import annotations


class EligibilityError(Exception):
    """Base of the domain's errors."""


class UnknownRuleSet(EligibilityError):
    """The RuleSetSpec names no rule set we know."""


class InvalidParameters(EligibilityError):
    """A RuleSetSpec parameter is unknown, of the wrong type, or out of range."""


class FactsIncomplete(EligibilityError):
    """The FactsResponse lacks an organisation or the cluster the application names."""


class FactsDateMismatch(FactsIncomplete):
    """The FactsResponse was taken on another date than the rule set decides on."""
