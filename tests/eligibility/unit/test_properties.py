"""Properties over generated applications: order never matters, hard failures always bind."""

from __future__ import annotations

from eligibility_builders import Case, circular, innovasjonsrammen
from hypothesis import given, settings
from hypothesis import strategies as st

from nic_eligibility.domain import (
    PREDICATES,
    AssessmentInput,
    Clause,
    Messages,
    Rule,
    RuleResult,
    Severity,
    assess,
    assess_with,
    get_rule_set,
    overall,
)
from nic_eligibility.domain.engine import failed
from nic_shared.contracts.registry_facts import Sector, SmeClass
from nic_shared.events.eligibility import Outcome, RuleOutcome
from nic_shared.events.intake import AidBasis, PartnerRole

KINDS = ("sme", "large", "declared_sme", "foreign", "research", "public", "public_controlled")
PARENTS = (None, "999999999", "888888888")

partner_specs = st.tuples(
    st.sampled_from(KINDS),
    st.sampled_from(PARENTS),
    st.booleans(),  # member of the cluster
    st.integers(0, 2_000_000),  # cost
    st.one_of(st.none(), st.integers(0, 1_500_000)),  # de minimis headroom
)


def _add(case: Case, index: int, spec: tuple) -> None:
    kind, parent, member, cost, headroom = spec
    facts = {"parent_org_number": parent, "member": member, "cost": cost, "headroom": headroom}
    if kind == "foreign":
        del facts["member"]
        case.foreign(f"DE:{index}", **facts)
    elif kind == "declared_sme":
        case.company(sme_class=SmeClass.UNKNOWN, declared_sme=True, **facts)
    elif kind == "research":
        case.company(sector=Sector.NONPROFIT_FOUNDATION, research_organisation=True, **facts)
    elif kind == "public":
        case.company(sector=Sector.PUBLIC_MUNICIPAL, role=PartnerRole.PUBLIC_ACTOR, **facts)
    elif kind == "public_controlled":
        case.company(sector=Sector.PUBLIC_CONTROLLED_COMPANY, sme=False, **facts)
    else:
        case.company(sme=kind == "sme", **facts)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """An eligible starting case of either company scheme, with random extra partners."""
    case = draw(st.sampled_from([innovasjonsrammen, circular]))()
    for index, spec in enumerate(draw(st.lists(partner_specs, max_size=5))):
        _add(case, index, spec)
    case.set(requested_amount_nok=draw(st.integers(0, 3_000_000)))
    case.set(aid_basis=draw(st.sampled_from([None, *AidBasis])))
    return case


def _shuffled(data: AssessmentInput, order: st.DataObject) -> AssessmentInput:
    content = data.content.model_copy(
        update={
            "partners": order.draw(st.permutations(data.content.partners)),
            "budget": order.draw(st.permutations(data.content.budget)),
        }
    )
    facts = data.facts.model_copy(
        update={"organisations": order.draw(st.permutations(data.facts.organisations))}
    )
    return AssessmentInput(
        content=content,
        applicant_org_number=data.applicant_org_number,
        submitted_at=data.submitted_at,
        deadline=data.deadline,
        rule_set=data.rule_set,
        facts=facts,
    )


@settings(max_examples=150, deadline=None)
@given(case=cases(), order=st.data())
def test_decisions_do_not_depend_on_partner_order(case: Case, order: st.DataObject):
    data = case.input()
    assert assess(_shuffled(data, order)) == assess(data)


ALWAYS_FAILS = Rule(
    id="extra_hard_rule",
    clause=Clause("test", "test"),
    severity=Severity.HARD,
    predicate="always_fails",
    requirement=Messages(nb="Alltid brutt.", en="Always broken."),
)


@settings(max_examples=100, deadline=None)
@given(case=cases())
def test_adding_a_failing_hard_rule_never_makes_an_application_eligible(case: Case):
    data = case.input()
    before = assess(data)
    rule_set = get_rule_set(data.rule_set.name).with_rule(ALWAYS_FAILS)
    after = assess_with(rule_set, data, {**PREDICATES, "always_fails": lambda _: failed()})
    assert after.outcome is Outcome.INELIGIBLE
    assert after.results[:-1] == before.results


results = st.builds(
    lambda outcome, severity: RuleResult("r", Clause("s", "x"), severity, outcome, {}, "", ""),
    st.sampled_from(RuleOutcome),
    st.sampled_from(Severity),
)
RANK = {Outcome.ELIGIBLE: 0, Outcome.NEEDS_REVIEW: 1, Outcome.INELIGIBLE: 2}


@given(st.lists(results), results)
def test_one_more_rule_result_never_improves_the_outcome(existing, extra):
    assert RANK[overall([*existing, extra])] >= RANK[overall(existing)]
