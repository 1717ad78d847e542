"""Automatic and manual assignment: N reviewers each, balanced, never a conflicted member."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nic_scoring.domain.assignment import (
    Assignment,
    AssignmentRefusedError,
    Shortfall,
    assign_reviewers,
    check_assignment,
    declare_conflict,
)
from nic_scoring.domain.conflicts import (
    ApplicationParties,
    ConflictKind,
    PanelMember,
    is_conflicted,
)
from nic_scoring.domain.reviews import Review, ReviewStatus


def member(n: int, *orgs: str, clusters: tuple[UUID, ...] = ()) -> PanelMember:
    return PanelMember(UUID(int=1000 + n), frozenset(orgs), frozenset(clusters))


def app(n: int, *orgs: str, cluster: UUID | None = None) -> ApplicationParties:
    return ApplicationParties(UUID(int=n), frozenset(orgs or {f"{n:09d}"}), cluster)


def loads(assignments) -> Counter[UUID]:
    return Counter(a.member_id for a in assignments)


def test_each_application_gets_n_reviewers_and_none_is_conflicted():
    members = [member(1, "111111111"), member(2), member(3), member(4)]
    apps = [app(1, "111111111"), app(2), app(3)]
    plan = assign_reviewers(members, apps, 2)
    per_app = Counter(a.application_id for a in plan.assignments)
    assert per_app == {UUID(int=1): 2, UUID(int=2): 2, UUID(int=3): 2}
    assert Assignment(UUID(int=1), member(1).member_id) not in plan.assignments
    assert plan.shortfalls == ()


def test_the_least_loaded_members_are_chosen_first():
    members = [member(1), member(2), member(3)]
    existing = [Assignment(UUID(int=9), member(1).member_id)]
    plan = assign_reviewers(members, [app(1)], 2, existing)
    assert {a.member_id for a in plan.assignments} == {member(2).member_id, member(3).member_id}


def test_equal_loads_are_broken_by_member_id():
    plan = assign_reviewers([member(3), member(1), member(2)], [app(1)], 1)
    assert plan.assignments == (Assignment(UUID(int=1), member(1).member_id),)


def test_existing_assignments_count_towards_n():
    existing = [Assignment(UUID(int=1), member(1).member_id)]
    plan = assign_reviewers([member(1), member(2), member(3)], [app(1)], 2, existing)
    assert len(plan.assignments) == 1


def test_an_application_that_cannot_get_n_reviewers_is_reported():
    cluster = uuid4()
    members = [member(1, clusters=(cluster,)), member(2, clusters=(cluster,)), member(3)]
    plan = assign_reviewers(members, [app(1, cluster=cluster), app(2)], 2)
    assert plan.shortfalls == (Shortfall(UUID(int=1), required=2, assigned=1),)
    assert Assignment(UUID(int=1), member(3).member_id) in plan.assignments


def test_a_manual_assignment_of_a_conflicted_member_is_refused_with_the_conflicts():
    conflicted = member(1, "111111111")
    with pytest.raises(AssignmentRefusedError) as error:
        check_assignment(conflicted, app(1, "111111111"))
    assert [c.kind for c in error.value.conflicts] == [ConflictKind.ORGANISATION]


def test_a_member_cannot_be_assigned_twice_to_one_application():
    existing = [Assignment(UUID(int=1), member(1).member_id)]
    with pytest.raises(AssignmentRefusedError, match="already assigned"):
        check_assignment(member(1), app(1), existing)


def test_a_manual_assignment_without_conflict_is_accepted():
    assert check_assignment(member(1), app(1)) == Assignment(UUID(int=1), member(1).member_id)


def test_a_late_conflict_removes_the_assignment_and_voids_the_draft():
    reviewer = member(1)
    assignment = Assignment(UUID(int=1), reviewer.member_id)
    draft = Review(uuid4(), UUID(int=1), reviewer.member_id, {"innovation": Decimal(5)})
    elsewhere = Review(uuid4(), UUID(int=2), reviewer.member_id, {"innovation": Decimal(5)})
    change = declare_conflict(reviewer, UUID(int=1), [assignment], [draft, elsewhere])
    assert change.remove == assignment
    assert [(r.review_id, r.status) for r in change.invalidated] == [
        (draft.review_id, ReviewStatus.INVALID)
    ]
    assert UUID(int=1) in change.member.declared_conflicts


def test_a_conflict_declared_before_any_assignment_removes_nothing():
    change = declare_conflict(member(1), UUID(int=1), [], [])
    assert change.remove is None
    assert change.invalidated == ()


org = st.sampled_from(["111111111", "222222222", "333333333", "444444444"])
members_strategy = st.lists(st.frozensets(org, max_size=2), min_size=1, max_size=8)
apps_strategy = st.lists(st.frozensets(org, min_size=1, max_size=2), max_size=10)


@given(members_strategy, apps_strategy, st.integers(min_value=1, max_value=4), st.randoms())
def test_assignment_never_picks_a_conflicted_member_and_is_order_independent(
    member_orgs, app_orgs, n, rnd
):
    members = [PanelMember(UUID(int=1000 + i), orgs) for i, orgs in enumerate(member_orgs)]
    apps = [ApplicationParties(UUID(int=i), orgs) for i, orgs in enumerate(app_orgs)]
    plan = assign_reviewers(members, apps, n)
    by_id = {m.member_id: m for m in members}
    apps_by_id = {a.application_id: a for a in apps}
    for assignment in plan.assignments:
        reviewer = by_id[assignment.member_id]
        assert not is_conflicted(reviewer, apps_by_id[assignment.application_id])
    per_app = Counter(a.application_id for a in plan.assignments)
    short = {s.application_id for s in plan.shortfalls}
    for application in apps:
        got_n = per_app[application.application_id] == n
        assert got_n != (application.application_id in short)
    rnd.shuffle(members)
    rnd.shuffle(apps)
    assert assign_reviewers(members, apps, n) == plan


@given(
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=3),
)
def test_without_conflicts_loads_differ_by_at_most_one(member_count, app_count, n):
    members = [member(i) for i in range(member_count)]
    plan = assign_reviewers(members, [app(i) for i in range(app_count)], n)
    counted = loads(plan.assignments)
    per_member = [counted[m.member_id] for m in members]
    assert max(per_member) - min(per_member) <= 1
