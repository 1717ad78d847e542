"""The predicates, each registered by name in `engine.PREDICATES` when its module loads."""

from nic_eligibility.domain.predicates import aid_basis, clusters, common, composition, money

__all__ = ["aid_basis", "clusters", "common", "composition", "money"]
