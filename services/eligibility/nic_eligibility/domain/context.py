"""The assessment context: the input, resolved parameters, and fact lookups by key.

Partners are de-duplicated by key and sorted, so no predicate can see partner order.
Building the context refuses facts that do not cover the application (FactsIncomplete):
a rule must never decide on missing facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from nic_eligibility.domain.classify import is_foreign
from nic_eligibility.domain.errors import FactsDateMismatch, FactsIncomplete
from nic_eligibility.domain.model import AssessmentInput
from nic_eligibility.domain.parameters import Parameters
from nic_shared.contracts.registry_facts import ClusterFacts, OrganisationFacts
from nic_shared.events.intake import ApplicationContent, Partner

OSLO = ZoneInfo("Europe/Oslo")


def oslo_date(instant: datetime) -> date:
    """The calendar date in Norway at an instant; dates of facts are Oslo dates."""
    return instant.astimezone(OSLO).date()


@dataclass(frozen=True)
class Context:
    """What predicates read; built once per assessment by `build_context`."""

    input: AssessmentInput
    params: Parameters
    organisations: Mapping[str, OrganisationFacts]

    @property
    def content(self) -> ApplicationContent:
        return self.input.content

    @property
    def applicant(self) -> str:
        return self.input.applicant_org_number

    @property
    def cluster(self) -> ClusterFacts | None:
        """The application's cluster, if it names one (checked to match in build_context)."""
        return self.input.facts.cluster if self.content.cluster_id is not None else None

    @cached_property
    def partners(self) -> tuple[Partner, ...]:
        """Partners by key, one per key; a repeated key keeps a deterministic choice."""
        chosen: dict[str, Partner] = {}
        for partner in sorted(self.content.partners, key=lambda p: p.model_dump_json()):
            chosen.setdefault(partner.key, partner)
        return tuple(chosen[key] for key in sorted(chosen))

    def partner(self, key: str) -> Partner | None:
        return next((p for p in self.partners if p.key == key), None)

    def org(self, key: str) -> OrganisationFacts:
        return self.organisations[key]

    @property
    def owner(self) -> str:
        """The project owner's key; the applicant when the application names no owner."""
        return self.content.project_owner or self.applicant

    @cached_property
    def costs(self) -> Mapping[str, int]:
        """Eligible cost per participant key: the sum of its budget lines."""
        totals: dict[str, int] = {}
        for line in self.content.budget:
            totals[line.partner] = totals.get(line.partner, 0) + line.amount_nok
        return dict(sorted(totals.items()))

    @property
    def total_cost(self) -> int:
        return sum(self.costs.values())

    @property
    def foreign_keys(self) -> frozenset[str]:
        """Foreign partners, and any cost bearer written `CC:id`."""
        named = {p.key for p in self.partners if is_foreign(p)}
        return frozenset(named | {key for key in self.costs if ":" in key})

    @cached_property
    def involved(self) -> tuple[str, ...]:
        """Every organisation the application names: partners, applicant, owner, cost bearers."""
        return involved_keys(self.content, self.applicant)


def involved_keys(content: ApplicationContent, applicant: str) -> tuple[str, ...]:
    """The keys the registry must give facts for: partners, applicant, owner, cost bearers,
    the contract party. The service asks for exactly these, and `build_context` checks them."""
    keys = {p.key for p in content.partners} | {applicant, content.project_owner or applicant}
    keys |= {line.partner for line in content.budget}
    if content.legal_entity:
        keys.add(content.legal_entity)
    return tuple(sorted(keys))


def build_context(data: AssessmentInput, params: Parameters, facts_date: date) -> Context:
    """A context over complete facts; FactsIncomplete when the registry answer falls short."""
    facts = data.facts
    if facts.as_of != facts_date:
        raise FactsDateMismatch(f"facts are as of {facts.as_of}, the rule set needs {facts_date}")
    context = Context(data, params, {o.key: o for o in facts.organisations})
    missing = [key for key in context.involved if key not in context.organisations]
    if missing:
        raise FactsIncomplete(f"no registry facts for: {', '.join(missing)}")
    cluster_id = data.content.cluster_id
    if cluster_id is not None and (facts.cluster is None or facts.cluster.cluster_id != cluster_id):
        raise FactsIncomplete(f"no registry facts for cluster {cluster_id}")
    return context
