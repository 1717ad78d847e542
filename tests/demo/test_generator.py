"""The demo's generated call: the real size, and every case decided as the generator meant
by intake's real completeness check and eligibility's real rule engine (on facts built
the way the registry builds them from what the demo registers)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from demo.generator import (
    GRANT_MAX,
    GRANT_MIN,
    NOK_PER_EUR,
    Application,
    CallData,
    generate_circular_call,
)
from nic_eligibility.domain.assess import assess
from nic_eligibility.domain.model import AssessmentInput
from nic_intake.domain.completeness import CompletenessRules, check_completeness
from nic_intake.domain.templates import terms_for
from nic_registry.domain.org_forms import classify
from nic_registry.domain.sme import SmeFigures, sme_class
from nic_shared import orgnr
from nic_shared.contracts.registry_facts import (
    ClusterFacts,
    FactsResponse,
    NicStatus,
    OrganisationFacts,
)
from nic_shared.events.intake import ApplicationContent
from nic_shared.events.specs import Scheme

TERMS = terms_for(Scheme.CIRCULAR_VALUE_CHAINS)
SUBMITTED = datetime(2023, 8, 30, 10, tzinfo=UTC)
DEADLINE = datetime(2023, 9, 1, 14, tzinfo=UTC)
BROKEN_RULE = {
    "ineligible: project owner is a public actor": "owner_not_public_or_research",
    "ineligible: fewer than three registered companies": "min_registered_companies",
    "ineligible: aid intensity above 50 %": "aid_intensity_within_max",
    "ineligible: a partner is bankrupt": "organisations_active",
    "ineligible: project owner is a research institute": "owner_not_public_or_research",
}
SIDE_EFFECTS = {"aid_intensity_within_max": {"gber_intensity_cap"}}
"""Asking for 100 % of the budget also exceeds every GBER cap (a soft rule)."""


@pytest.fixture(scope="module")
def data() -> CallData:
    return generate_circular_call()


def test_the_real_size(data: CallData) -> None:
    assert len(data.applications) == 36
    assert data.requested_total_nok == 73_000_000
    assert len(data.clusters) == 6
    assert len(data.organisations) == 160
    assert data.actor_types() >= {
        "established_company",
        "startup",
        "capital",
        "research",
        "education",
        "public",
    }
    numbers = [o.org_number for o in data.organisations]
    assert len(set(numbers)) == len(numbers)
    assert all(orgnr.check_digit(n[:8]) == int(n[8]) for n in numbers)
    assert sum(1 for a in data.applications if not a.eligible) == 5
    assert len(data.panel) == 6
    assert sum(p.chair for p in data.panel) == 1


def test_deterministic_per_seed() -> None:
    one, two = generate_circular_call(7), generate_circular_call(7)
    assert [a.content() for a in one.applications] == [a.content() for a in two.applications]
    assert generate_circular_call(8).applications[0].title != one.applications[0].title or (
        generate_circular_call(8).applications[0].requested_nok != one.applications[0].requested_nok
    )


def _content(app: Application, cluster_id: uuid.UUID) -> dict[str, object]:
    attachment = {
        "attachment_id": str(uuid.uuid4()),
        "kind": "partner_goals_and_motivation",
        "filename": "m.pdf",
        "content_type": "application/pdf",
        "size_bytes": 10,
        "sha256": "0" * 64,
    }
    return {**app.content(str(cluster_id)), "attachments": [attachment]}


def test_every_application_passes_intakes_completeness_check(data: CallData) -> None:
    rules = CompletenessRules.from_terms(TERMS)
    for app in data.applications:
        report = check_completeness(_content(app, uuid.uuid4()), rules)
        assert report.is_complete, (app.title, report.problems)


def _facts(data: CallData, app: Application, cluster_id: uuid.UUID) -> FactsResponse:
    members = {o.org_number for c in data.clusters for o, _ in c.members}
    orgs = []
    for org in {p.organisation.org_number: p.organisation for p in app.partners}.values():
        kind = classify(org.org_form, org.sector_code)
        figures = (
            SmeFigures(Decimal(org.employees), org.turnover_nok, org.balance_nok)
            if org.is_company
            else None
        )
        orgs.append(
            OrganisationFacts(
                key=org.org_number,
                known=True,
                name=org.name,
                org_form=org.org_form,
                sector=kind.sector,
                sector_code=org.sector_code,
                public=kind.public,
                public_controlled=kind.public_controlled,
                sme_class=sme_class(figures, NOK_PER_EUR),
                registered_in_foretaksregisteret=org.registered_in_foretaksregisteret,
                bankrupt=org.bankrupt,
                research_organisation=org.research_organisation,
                member_of_current_or_former_nic_cluster=org.org_number in members,
            )
        )
    cluster = ClusterFacts(
        cluster_id=cluster_id,
        name=app.cluster.name,
        facilitator_org_number=app.cluster.facilitator.org_number,
        level=None,
        nic_status=NicStatus.ACTIVE,
        base_support=True,
        nce_brand=False,
        formerly_nce=False,
        mature_qualified=False,
    )
    return FactsResponse(as_of=SUBMITTED.date(), organisations=orgs, cluster=cluster)


def test_eligibility_decides_every_case_as_the_generator_meant(data: CallData) -> None:
    for app in data.applications:
        cluster_id = uuid.uuid4()
        content = ApplicationContent.model_validate(_content(app, cluster_id))
        result = assess(
            AssessmentInput(
                content=content,
                applicant_org_number=app.owner.org_number,
                submitted_at=SUBMITTED,
                deadline=DEADLINE,
                rule_set=TERMS.rule_set,
                facts=_facts(data, app, cluster_id),
            )
        )
        failed = {r.rule_id for r in result.results if r.outcome.value == "fail"}
        if app.eligible:
            assert result.outcome.value == "eligible", (app.title, failed)
            assert GRANT_MIN <= app.requested_nok <= GRANT_MAX
        else:
            rule = BROKEN_RULE[app.expected]
            assert result.outcome.value == "ineligible", (app.title, failed)
            assert failed == {rule} | SIDE_EFFECTS.get(rule, set()), (app.title, failed)
