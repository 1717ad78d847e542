"""A small builder for assessment inputs, so each test states only what it is about.

Each scheme has a starting case that is eligible; tests change one thing and assess.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from nic_eligibility.domain import Assessment, AssessmentInput, assess, facts_date
from nic_eligibility.domain.context import oslo_date
from nic_shared import orgnr
from nic_shared.contracts.registry_facts import (
    ActorType,
    ClusterFacts,
    ClusterLevel,
    FactsResponse,
    MembershipFact,
    NicStatus,
    OrganisationFacts,
    Sector,
    SmeClass,
)
from nic_shared.events.intake import (
    AidBasis,
    ApplicationContent,
    BudgetLine,
    ContactPerson,
    Partner,
    PartnerRole,
)
from nic_shared.events.specs import RuleSetSpec


def _org_numbers(start: int, count: int) -> list[str]:
    numbers: list[str] = []
    base = start
    while len(numbers) < count:
        digit = orgnr.check_digit(str(base))
        if digit is not None:
            numbers.append(f"{base}{digit}")
        base += 1
    return numbers


ORG = _org_numbers(91_000_000, 40)
"""Valid organisation numbers; ORG[0] is the cluster organisation in every case."""
FACILITATOR = ORG[0]
CLUSTER_ID = UUID("00000000-0000-4000-8000-000000000001")
OTHER_CLUSTER_ID = UUID("00000000-0000-4000-8000-000000000002")
SUBMITTED = datetime(2023, 8, 30, 10, 0, tzinfo=UTC)
DEADLINE = datetime(2023, 9, 1, 14, 0, tzinfo=UTC)  # 16:00 Oslo time (CEST)

INNOVASJONSRAMMEN_PARAMETERS: dict[str, Any] = {
    "min_companies": 2,
    "max_grant_nok": 300_000,
    "max_aid_intensity_percent": 50,
    "min_sme_share_percent": 50,
}
CIRCULAR_PARAMETERS: dict[str, Any] = {
    "min_companies": 3,
    "grant_min_nok": 1_000_000,
    "grant_max_nok": 2_500_000,
    "max_aid_intensity_percent": 50,
    "gber_articles": ["gber_25", "gber_27", "gber_29", "gber_49"],
    "objectives": [
        "industrial_symbiosis",
        "circular_value_chain",
        "fewer_virgin_materials_or_emissions",
    ],
}
"""The parameters intake's call templates publish (services/intake templates)."""


class Case:
    """A mutable application with its registry facts; `assess()` runs the real rules."""

    def __init__(self, rule_set: str, **parameters: Any) -> None:
        self.spec = RuleSetSpec(name=rule_set, parameters=parameters)
        self.applicant = ORG[1]
        self.partners: dict[str, Partner] = {}
        self.orgs: dict[str, OrganisationFacts] = {}
        self.budget: list[BudgetLine] = []
        self.content: dict[str, Any] = {"title": "Et prosjekt", "cluster_id": CLUSTER_ID}
        self.cluster: ClusterFacts | None = ClusterFacts(
            cluster_id=CLUSTER_ID,
            name="Klynge",
            facilitator_org_number=FACILITATOR,
            level=ClusterLevel.ARENA,
            nic_status=NicStatus.ACTIVE,
            base_support=True,
            nce_brand=False,
            formerly_nce=False,
            mature_qualified=False,
        )
        self.submitted_at, self.deadline = SUBMITTED, DEADLINE
        self.as_of: date | None = None
        self._next = 2
        self.organisation(FACILITATOR, sector=Sector.NONPROFIT_ASSOCIATION, sme_class="small")

    # -- organisations and partners ---------------------------------------------------------

    def organisation(self, key: str, **facts: Any) -> str:
        """Registry facts for a key (a known, active Norwegian company unless told)."""
        current = self.orgs.get(key)
        base = current.model_dump() if current else {"key": key, "known": True, "name": key}
        base.setdefault("sector", Sector.PRIVATE_COMPANY)
        self.orgs[key] = OrganisationFacts.model_validate({**base, **facts})
        return key

    def company(
        self, *, cost: int = 300_000, sme: bool = True, member: bool = False, **facts: Any
    ) -> str:
        """A Norwegian private company as a partner, with one budget line."""
        key = ORG[self._next]
        self._next += 1
        return self.add(key, cost=cost, sme=sme, member=member, **facts)

    def add(
        self,
        key: str,
        *,
        cost: int = 300_000,
        sme: bool = True,
        member: bool = False,
        role: PartnerRole = PartnerRole.PARTNER,
        declared_sme: bool | None = None,
        headroom: int | None = None,
        **facts: Any,
    ) -> str:
        facts.setdefault("sme_class", SmeClass.SMALL if sme else SmeClass.LARGE)
        facts.setdefault("registered_in_foretaksregisteret", True)
        if member:
            facts.setdefault("memberships", [membership()])
            facts.setdefault("member_of_current_or_former_nic_cluster", True)
        self.organisation(key, **facts)
        identity: dict[str, Any] = (
            {"foreign_country": key[:2], "foreign_id": key[3:]}
            if ":" in key
            else {"org_number": key}
        )
        self.partners[key] = Partner(
            **identity,
            name=f"Partner {key}",
            role=role,
            declared_sme=declared_sme,
            de_minimis_headroom_nok=headroom,
        )
        if cost:
            self.budget.append(
                BudgetLine(category="personnel", year=2024, partner=key, amount_nok=cost)
            )
        return key

    def foreign(self, key: str = "SE:5560360793", *, cost: int = 300_000, **facts: Any) -> str:
        """A foreign company, unknown to Brønnøysund, declared as an SME."""
        facts.setdefault("known", False)
        facts.setdefault("sector", Sector.UNKNOWN)
        facts.setdefault("sme_class", SmeClass.UNKNOWN)
        facts.setdefault("registered_in_foretaksregisteret", None)
        return self.add(key, cost=cost, declared_sme=True, **facts)

    def parameters(self, **changes: Any) -> None:
        """Change rule-set parameters as a call would; a value of None leaves it out."""
        merged = {**self.spec.parameters, **changes}
        merged = {name: value for name, value in merged.items() if value is not None}
        self.spec = self.spec.model_copy(update={"parameters": merged})

    def remove(self, key: str) -> None:
        """Drop a partner and its budget lines (its registry facts may stay)."""
        del self.partners[key]
        self.budget = [line for line in self.budget if line.partner != key]

    def costs(self, amount: int) -> None:
        """Set every budget line to the same amount."""
        self.budget = [line.model_copy(update={"amount_nok": amount}) for line in self.budget]

    def partner(self, key: str, **changes: Any) -> None:
        self.partners[key] = self.partners[key].model_copy(update=changes)

    def set(self, **content: Any) -> Case:
        """Change application content fields (requested_amount_nok, objectives, ...)."""
        self.content.update(content)
        return self

    def set_cluster(self, **changes: Any) -> None:
        assert self.cluster is not None
        self.cluster = self.cluster.model_copy(update=changes)

    # -- building --------------------------------------------------------------------------

    def input(self) -> AssessmentInput:
        content = ApplicationContent(
            **self.content, partners=list(self.partners.values()), budget=self.budget
        )
        as_of = self.as_of or facts_date(
            self.spec, submitted_at=self.submitted_at, deadline=self.deadline
        )
        facts = FactsResponse(
            as_of=as_of,
            organisations=list(self.orgs.values()),
            cluster=self.cluster,
        )
        return AssessmentInput(
            content=content,
            applicant_org_number=self.applicant,
            submitted_at=self.submitted_at,
            deadline=self.deadline,
            rule_set=self.spec,
            facts=facts,
        )

    def assess(self) -> Assessment:
        return assess(self.input())

    def outcome_of(self, rule_id: str) -> str:
        return self.assess().result(rule_id).outcome.value


def membership(
    cluster_id: UUID = CLUSTER_ID, *, member: bool = True, valid_to: date | None = None
) -> MembershipFact:
    return MembershipFact(
        cluster_id=cluster_id,
        cluster_name="Klynge",
        actor_type=ActorType.ESTABLISHED_COMPANY,
        valid_from=date(2020, 1, 1),
        valid_to=valid_to,
        member_at_date=member,
        cluster_status_at_date=NicStatus.ACTIVE,
    )


def submission_date() -> date:
    return oslo_date(SUBMITTED)


def day_before_submission() -> date:
    return submission_date() - timedelta(days=1)


# -- eligible starting cases -------------------------------------------------------------


def innovasjonsrammen() -> Case:
    """Two SME companies, 300,000 of 600,000 (50 %), the owner an active cluster member."""
    case = Case("innovasjonsrammen", **INNOVASJONSRAMMEN_PARAMETERS)
    owner = case.add(case.applicant, member=True, role=PartnerRole.OWNER)
    case.company()
    return case.set(project_owner=owner, requested_amount_nok=300_000)


def circular() -> Case:
    """Three registered companies at 1 million each, 1.5 million de minimis (50 %)."""
    case = Case("circular_value_chains", **CIRCULAR_PARAMETERS)
    owner = case.add(
        case.applicant, cost=1_000_000, member=True, role=PartnerRole.OWNER, headroom=500_000
    )
    case.company(cost=1_000_000, headroom=500_000)
    case.company(cost=1_000_000, headroom=500_000, sme=False)
    return case.set(
        project_owner=owner,
        requested_amount_nok=1_500_000,
        objectives=["industrial_symbiosis"],
        aid_basis=AidBasis.DE_MINIMIS,
    )


def _cluster_call(rule_set: str, **parameters: Any) -> Case:
    case = Case(rule_set, **parameters)
    case.applicant = FACILITATOR
    return case.set(
        contact_person=ContactPerson(name="Kari Nordmann", email="kari@example.no"),
        legal_entity=FACILITATOR,
    )


def mature_clusters() -> Case:
    """The facilitator of a cluster prequalified as mature applies."""
    case = _cluster_call("mature_clusters")
    case.set_cluster(mature_qualified=True, level=ClusterLevel.GCE)
    return case


def arena_admission(level: str = "arena") -> Case:
    """A network's facilitator applies for Arena (or Arena Pro) with a plan."""
    case = _cluster_call("arena_admission", level=level)
    case.set_cluster(level=None, base_support=False, nic_status=NicStatus.NEVER)
    return case.set(
        implementation_plan="Plan med tre utviklingsprosjekter innen sirkulær produksjon."
    )
