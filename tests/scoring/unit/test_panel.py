"""The panel's rules, one operation at a time."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from nic_scoring.domain.assignment import AssignmentRefusedError
from nic_scoring.domain.conflicts import ApplicationParties, PanelMember
from nic_scoring.domain.marks import InvalidMarksError
from nic_scoring.domain.panel import Panel, PanelRuleError
from nic_scoring.domain.reviews import ReviewStatus
from nic_shared.events.scoring import CriterionMark

CRITERIA = ("anchoring", "innovation", "sustainability", "feasibility")
ANNA, BJORN, CARI = UUID(int=1001), UUID(int=1002), UUID(int=1003)
APP = UUID(int=1)


def review(*four: int) -> list[CriterionMark]:
    return [
        CriterionMark(criterion_id=c, mark=Decimal(m)) for c, m in zip(CRITERIA, four, strict=True)
    ]


@pytest.fixture
def panel(innovasjonsrammen) -> Panel:
    members = [PanelMember(ANNA), PanelMember(BJORN), PanelMember(CARI, frozenset({"923609016"}))]
    return Panel(innovasjonsrammen, members, [ApplicationParties(APP, frozenset({"923609016"}))])


def reviewed_by_anna_and_bjorn(panel: Panel) -> None:
    panel.auto_assign(2)
    panel.save_draft(APP, ANNA, review(6, 5, 4, 7))
    panel.save_draft(APP, BJORN, review(6, 5, 4, 7))
    panel.submit_review(APP, ANNA)
    panel.submit_review(APP, BJORN)


def test_two_submitted_reviews_give_the_panel_result(panel):
    reviewed_by_anna_and_bjorn(panel)
    result = panel.score(APP)
    assert result.score.weighted_total == Decimal("5.45")
    assert result.reviewer_ids == {ANNA, BJORN}


def test_auto_assignment_skips_the_conflicted_member(panel):
    plan = panel.auto_assign(3)
    assert {a.member_id for a in plan.assignments} == {ANNA, BJORN}
    assert [s.assigned for s in plan.shortfalls] == [2]


def test_a_conflicted_member_cannot_be_assigned_by_hand(panel):
    with pytest.raises(AssignmentRefusedError):
        panel.assign(APP, CARI)


def test_only_an_assigned_member_may_write_a_review(panel):
    with pytest.raises(PanelRuleError, match="not assigned"):
        panel.save_draft(APP, ANNA, review(6, 5, 4, 7))


def test_a_draft_must_have_valid_marks(panel):
    panel.assign(APP, ANNA)
    with pytest.raises(InvalidMarksError):
        panel.save_draft(APP, ANNA, review(6, 5, 4, 8))


def test_a_submitted_review_cannot_be_changed(panel):
    reviewed_by_anna_and_bjorn(panel)
    with pytest.raises(PanelRuleError, match="cannot be changed"):
        panel.save_draft(APP, ANNA, review(1, 1, 1, 1))


def test_the_panel_scores_only_when_every_assigned_reviewer_has_submitted(panel):
    panel.auto_assign(2)
    panel.save_draft(APP, ANNA, review(6, 5, 4, 7))
    panel.submit_review(APP, ANNA)
    with pytest.raises(PanelRuleError, match="not every"):
        panel.score(APP)


def test_a_late_conflict_voids_the_draft_and_the_assignment(panel):
    panel.auto_assign(2)
    draft = panel.save_draft(APP, ANNA, review(6, 5, 4, 7))
    change = panel.declare_conflict(ANNA, APP)
    assert change.remove is not None
    assert (APP, ANNA) not in {(a.application_id, a.member_id) for a in panel.assignments}
    assert [(r.review_id, r.status) for r in panel.set_aside] == [
        (draft.review_id, ReviewStatus.INVALID)
    ]
    assert all(r.member_id != ANNA for r in panel.reviews.values())


def test_a_late_conflict_drops_a_result_that_used_the_members_marks(panel):
    reviewed_by_anna_and_bjorn(panel)
    panel.score(APP)
    panel.declare_conflict(BJORN, APP)
    assert APP not in panel.results
    assert panel.score(APP).reviewer_ids == {ANNA}


def test_a_new_reviewer_makes_the_earlier_result_incomplete(panel):
    reviewed_by_anna_and_bjorn(panel)
    panel.score(APP)
    panel.add_member(PanelMember(UUID(int=1004)))
    panel.assign(APP, UUID(int=1004))
    assert APP not in panel.results


def test_a_withdrawn_application_loses_assignments_reviews_and_result(panel):
    reviewed_by_anna_and_bjorn(panel)
    panel.score(APP)
    panel.withdraw(APP)
    assert not panel.assignments
    assert not panel.reviews
    assert not panel.results
    assert {r.invalid_reason for r in panel.set_aside} == {"application withdrawn"}
    with pytest.raises(PanelRuleError, match="withdrawn"):
        panel.assign(APP, ANNA)


def test_a_consensus_call_is_scored_by_the_agreed_marks(scheme_factory):
    scheme = scheme_factory(
        dict(zip(CRITERIA, (25, 35, 20, 20), strict=True)), consensus_required=True
    )
    panel = Panel(
        scheme, [PanelMember(ANNA), PanelMember(BJORN)], [ApplicationParties(APP, frozenset())]
    )
    reviewed_by_anna_and_bjorn(panel)
    with pytest.raises(PanelRuleError, match="consensus"):
        panel.score(APP)
    result = panel.record_consensus(APP, review(7, 5, 4, 7))
    assert result.score.by_consensus
    assert result.score.weighted_total == Decimal("5.70")
