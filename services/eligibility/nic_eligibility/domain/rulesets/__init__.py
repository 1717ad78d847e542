"""The rule sets by name, as a call's RuleSetSpec names them."""

from __future__ import annotations

from nic_eligibility.domain.errors import UnknownRuleSet
from nic_eligibility.domain.rulesets.base import RuleSet
from nic_eligibility.domain.rulesets.circular import CIRCULAR_VALUE_CHAINS
from nic_eligibility.domain.rulesets.clusters import ARENA_ADMISSION, MATURE_CLUSTERS
from nic_eligibility.domain.rulesets.innovasjonsrammen import INNOVASJONSRAMMEN

RULE_SETS: dict[str, RuleSet] = {
    rule_set.name: rule_set
    for rule_set in (INNOVASJONSRAMMEN, CIRCULAR_VALUE_CHAINS, MATURE_CLUSTERS, ARENA_ADMISSION)
}


def get_rule_set(name: str) -> RuleSet:
    """The rule set a call names; UnknownRuleSet when there is none."""
    try:
        return RULE_SETS[name]
    except KeyError:
        raise UnknownRuleSet(name) from None


__all__ = ["RULE_SETS", "RuleSet", "get_rule_set"]
