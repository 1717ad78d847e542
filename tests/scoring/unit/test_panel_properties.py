"""Property: whatever happens on a panel, no standing review or result comes from a conflict.

Hypothesis drives the panel with arbitrary sequences of assignments (manual and automatic),
conflict declarations, drafts, submissions, scoring and withdrawals. Refused operations are
part of the game; after every step the invariants must hold.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from nic_scoring.domain.assignment import AssignmentRefusedError
from nic_scoring.domain.conflicts import ApplicationParties, PanelMember
from nic_scoring.domain.marks import InvalidMarksError
from nic_scoring.domain.panel import Panel, PanelRuleError
from nic_scoring.domain.reviews import ReviewStatus
from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import Criterion, LocalText, Scale, ScoringSchemeSpec

CRITERIA = {"anchoring": 25, "innovation": 35, "sustainability": 20, "feasibility": 20}
SCHEME = ScoringSchemeSpec(
    criteria=[Criterion(id=c, name=LocalText(nb=c, en=c), weight=w) for c, w in CRITERIA.items()],
    scale=Scale(min=Decimal(1), max=Decimal(7), step=Decimal(1)),
    tie_break=["innovation"],
)
CLUSTER = UUID(int=500)
MEMBERS = [
    PanelMember(UUID(int=1001), org_numbers=frozenset({"923609016"})),
    PanelMember(UUID(int=1002), cluster_ids=frozenset({CLUSTER})),
    PanelMember(UUID(int=1003)),
    PanelMember(UUID(int=1004)),
    PanelMember(UUID(int=1005)),
]
APPLICATIONS = [
    ApplicationParties(UUID(int=1), frozenset({"923609016", "974760673"})),
    ApplicationParties(UUID(int=2), frozenset({"982463718"}), CLUSTER),
    ApplicationParties(UUID(int=3), frozenset({"974760673"})),
    ApplicationParties(UUID(int=4), frozenset({"982463718"})),
]

member_ids = st.sampled_from([m.member_id for m in MEMBERS])
application_ids = st.sampled_from([a.application_id for a in APPLICATIONS])
marks = st.lists(st.integers(min_value=0, max_value=8), min_size=4, max_size=4).map(
    lambda four: [
        CriterionMark(criterion_id=c, mark=Decimal(m)) for c, m in zip(CRITERIA, four, strict=True)
    ]
)
valid_marks = st.lists(st.integers(min_value=1, max_value=7), min_size=4, max_size=4).map(
    lambda four: [
        CriterionMark(criterion_id=c, mark=Decimal(m)) for c, m in zip(CRITERIA, four, strict=True)
    ]
)
REFUSALS = (PanelRuleError, AssignmentRefusedError, InvalidMarksError)


class PanelMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.panel = Panel(SCHEME, MEMBERS, APPLICATIONS)

    def attempt(self, operation, *args) -> None:
        with contextlib.suppress(*REFUSALS):
            operation(*args)

    @rule(application_id=application_ids, member_id=member_ids)
    def assign(self, application_id, member_id):
        self.attempt(self.panel.assign, application_id, member_id)

    @rule(n=st.integers(min_value=1, max_value=3))
    def auto_assign(self, n):
        self.panel.auto_assign(n)

    @rule(member_id=member_ids, application_id=application_ids)
    def declare_conflict(self, member_id, application_id):
        self.panel.declare_conflict(member_id, application_id)

    @rule(data=st.data())
    def a_reviewer_behind_a_result_declares_a_conflict(self, data):
        if not self.panel.results:
            return
        application_id = data.draw(st.sampled_from(sorted(self.panel.results)))
        reviewers = sorted(self.panel.results[application_id].reviewer_ids)
        self.panel.declare_conflict(data.draw(st.sampled_from(reviewers)), application_id)

    @rule(application_id=application_ids, member_id=member_ids, given=marks)
    def save_draft(self, application_id, member_id, given):
        self.attempt(self.panel.save_draft, application_id, member_id, given)

    @rule(application_id=application_ids, member_id=member_ids)
    def submit(self, application_id, member_id):
        self.attempt(self.panel.submit_review, application_id, member_id)

    @rule(data=st.data(), given=valid_marks)
    def review_an_assignment(self, data, given):
        """Steer towards the interesting states: real reviews, submitted, then scored."""
        if not self.panel.assignments:
            return
        a = data.draw(st.sampled_from(sorted(self.panel.assignments)))
        self.attempt(self.panel.save_draft, a.application_id, a.member_id, given)
        if data.draw(st.booleans()):
            self.attempt(self.panel.submit_review, a.application_id, a.member_id)

    @rule()
    def score_every_complete_application(self):
        for application_id in sorted(self.panel.applications):
            self.attempt(self.panel.score, application_id)

    @rule(application_id=application_ids)
    def score(self, application_id):
        self.attempt(self.panel.score, application_id)

    @rule(application_id=application_ids)
    def withdraw(self, application_id):
        self.panel.withdraw(application_id)

    @invariant()
    def no_assignment_of_a_conflicted_member(self):
        for a in self.panel.assignments:
            assert not self.panel.conflicted(a.member_id, a.application_id)
            assert a.application_id not in self.panel.withdrawn

    @invariant()
    def no_standing_review_from_a_conflicted_or_unassigned_member(self):
        for key, review in self.panel.reviews.items():
            assert review.counts
            assert key in self.panel.assignments
            assert not self.panel.conflicted(review.member_id, review.application_id)

    @invariant()
    def no_result_from_a_conflicted_member(self):
        for application_id, result in self.panel.results.items():
            assert application_id not in self.panel.withdrawn
            for member_id in result.reviewer_ids:
                assert not self.panel.conflicted(member_id, application_id)

    @invariant()
    def set_aside_reviews_are_invalid(self):
        assert all(r.status is ReviewStatus.INVALID for r in self.panel.set_aside)


PanelMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, suppress_health_check=[HealthCheck.too_slow]
)
TestPanelInvariants = PanelMachine.TestCase
