"""One call's panel as a state model: members, applications, assignments, reviews, results.

Every change goes through a method that keeps the invariant: no standing review and no
result comes from a member who is conflicted for that application, and every standing review
belongs to a current assignment. The service layer loads this state, calls one method and
stores what changed; property tests drive it with arbitrary sequences of operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID, uuid4

from nic_scoring.domain.assignment import (
    Assignment,
    AssignmentPlan,
    ConflictDeclared,
    assign_reviewers,
    check_assignment,
    declare_conflict,
)
from nic_scoring.domain.conflicts import ApplicationParties, PanelMember, is_conflicted
from nic_scoring.domain.marks import as_criterion_marks, validate_marks
from nic_scoring.domain.panel_score import PanelScore, score_consensus, score_reviews
from nic_scoring.domain.reviews import Review, ReviewStatus
from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import ScoringSchemeSpec


class PanelRuleError(ValueError):
    """An operation the panel's state does not allow (not assigned, withdrawn, submitted…)."""


@dataclass(frozen=True)
class PanelResult:
    score: PanelScore
    reviewer_ids: frozenset[UUID]


class Panel:
    """State of one call's panel. `reviews` holds the standing reviews by assignment;
    reviews voided by a conflict or a withdrawal move to `set_aside`; `results` by application.
    """

    def __init__(
        self,
        scheme: ScoringSchemeSpec,
        members: Iterable[PanelMember],
        applications: Iterable[ApplicationParties] = (),
    ) -> None:
        self.scheme = scheme
        self.members = {m.member_id: m for m in members}
        self.applications = {a.application_id: a for a in applications}
        self.withdrawn: set[UUID] = set()
        self.assignments: set[Assignment] = set()
        self.reviews: dict[Assignment, Review] = {}
        self.set_aside: list[Review] = []
        self.results: dict[UUID, PanelResult] = {}

    def add_member(self, member: PanelMember) -> None:
        self.members[member.member_id] = member

    def add_application(self, application: ApplicationParties) -> None:
        """An eligible application joins the panel's work."""
        self.applications[application.application_id] = application

    def assign(self, application_id: UUID, member_id: UUID) -> Assignment:
        """Assign by hand; AssignmentRefusedError when conflicted or already assigned.

        A new reviewer means the panel's view is incomplete, so an earlier result is dropped;
        the same holds for `auto_assign`.
        """
        app = self._open_application(application_id)
        assignment = check_assignment(self._member(member_id), app, self.assignments)
        self.assignments.add(assignment)
        self.results.pop(application_id, None)
        return assignment

    def auto_assign(self, reviewers_per_application: int) -> AssignmentPlan:
        open_apps = [
            a for a in self.applications.values() if a.application_id not in self.withdrawn
        ]
        plan = assign_reviewers(
            self.members.values(), open_apps, reviewers_per_application, self.assignments
        )
        self.assignments.update(plan.assignments)
        for assignment in plan.assignments:
            self.results.pop(assignment.application_id, None)
        return plan

    def declare_conflict(self, member_id: UUID, application_id: UUID) -> ConflictDeclared:
        """Record the conflict; drop the assignment, its reviews and any result they reached."""
        change = declare_conflict(
            self._member(member_id), application_id, self.assignments, self.reviews.values()
        )
        self.members[member_id] = change.member
        if change.remove is not None:
            self.assignments.discard(change.remove)
        self._set_aside(Assignment(application_id, member_id), change.invalidated)
        result = self.results.get(application_id)
        if result is not None and member_id in result.reviewer_ids:
            del self.results[application_id]
        return change

    def save_draft(
        self,
        application_id: UUID,
        member_id: UUID,
        marks: Iterable[CriterionMark],
        review_id: UUID | None = None,
    ) -> Review:
        """Create or replace the member's draft; the marks must already be valid."""
        key = self._assigned(application_id, member_id)
        existing = self.reviews.get(key)
        if existing is not None and existing.status is ReviewStatus.SUBMITTED:
            raise PanelRuleError("a submitted review cannot be changed")
        valid = validate_marks(self.scheme, marks)
        rid = existing.review_id if existing else (review_id or uuid4())
        review = Review(rid, application_id, member_id, valid)
        self.reviews[key] = review
        return review

    def submit_review(self, application_id: UUID, member_id: UUID) -> Review:
        key = self._assigned(application_id, member_id)
        draft = self.reviews.get(key)
        if draft is None:
            raise PanelRuleError("there is no draft to submit")
        if draft.status is ReviewStatus.SUBMITTED:
            raise PanelRuleError("the review is already submitted")
        self.reviews[key] = draft.submitted()
        return self.reviews[key]

    def withdraw(self, application_id: UUID) -> None:
        """The applicant withdrew: assignments end, reviews are set aside, the result goes."""
        self.withdrawn.add(application_id)
        for assignment in [a for a in self.assignments if a.application_id == application_id]:
            self.assignments.discard(assignment)
            review = self.reviews.get(assignment)
            self._set_aside(
                assignment, (review.invalidated("application withdrawn"),) if review else ()
            )
        self.results.pop(application_id, None)

    def score(self, application_id: UUID) -> PanelResult:
        """Aggregate the submitted reviews once every assigned reviewer has submitted."""
        if self.scheme.consensus_required:
            raise PanelRuleError("this call scores by consensus")
        reviews = self._complete_reviews(application_id)
        marks = [as_criterion_marks(self.scheme, r.marks) for r in reviews]
        return self._store(application_id, score_reviews(self.scheme, marks), reviews)

    def record_consensus(self, application_id: UUID, marks: Iterable[CriterionMark]) -> PanelResult:
        """The panel's agreed marks, once every assigned reviewer has submitted."""
        reviews = self._complete_reviews(application_id)
        return self._store(application_id, score_consensus(self.scheme, marks), reviews)

    def conflicted(self, member_id: UUID, application_id: UUID) -> bool:
        return is_conflicted(self.members[member_id], self.applications[application_id])

    def _store(self, application_id: UUID, score: PanelScore, reviews: list[Review]) -> PanelResult:
        result = PanelResult(score, frozenset(r.member_id for r in reviews))
        self.results[application_id] = result
        return result

    def _complete_reviews(self, application_id: UUID) -> list[Review]:
        self._open_application(application_id)
        assigned = sorted(a for a in self.assignments if a.application_id == application_id)
        if not assigned:
            raise PanelRuleError("no reviewer is assigned")
        reviews = [self.reviews.get(a) for a in assigned]
        submitted = [r for r in reviews if r is not None and r.status is ReviewStatus.SUBMITTED]
        if len(submitted) != len(assigned):
            raise PanelRuleError("not every assigned reviewer has submitted")
        return submitted

    def _set_aside(self, key: Assignment, invalidated: Iterable[Review]) -> None:
        for review in invalidated:
            self.set_aside.append(review)
            self.reviews.pop(key, None)

    def _assigned(self, application_id: UUID, member_id: UUID) -> Assignment:
        self._open_application(application_id)
        key = Assignment(application_id, member_id)
        if key not in self.assignments:
            raise PanelRuleError("the member is not assigned to this application")
        return key

    def _open_application(self, application_id: UUID) -> ApplicationParties:
        if application_id in self.withdrawn:
            raise PanelRuleError("the application is withdrawn")
        try:
            return self.applications[application_id]
        except KeyError:
            raise PanelRuleError("the application is not before this panel") from None

    def _member(self, member_id: UUID) -> PanelMember:
        try:
            return self.members[member_id]
        except KeyError:
            raise PanelRuleError("not a member of this panel") from None
