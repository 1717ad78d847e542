"""Assigning reviewers to applications, automatically or by hand, never to a conflicted member.

Automatic assignment is greedy and deterministic: applications with the fewest possible
reviewers are served first (ties by application id), and each takes the least-loaded
non-conflicted members (ties by member id). Without conflicts, loads differ by at most one.
An application that cannot get enough reviewers gets those it can, and is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from nic_scoring.domain.conflicts import (
    ApplicationParties,
    Conflict,
    PanelMember,
    conflicts,
    is_conflicted,
)
from nic_scoring.domain.reviews import Review


@dataclass(frozen=True, order=True)
class Assignment:
    application_id: UUID
    member_id: UUID


@dataclass(frozen=True)
class Shortfall:
    """An application left with fewer than the required reviewers."""

    application_id: UUID
    required: int
    assigned: int


@dataclass(frozen=True)
class AssignmentPlan:
    assignments: tuple[Assignment, ...]
    shortfalls: tuple[Shortfall, ...]


class AssignmentRefusedError(ValueError):
    """A manual assignment breaks a rule; `conflicts` lists the conflicts, if any."""

    def __init__(self, reason: str, found: Sequence[Conflict] = ()) -> None:
        self.conflicts = tuple(found)
        details = "; ".join(c.reason for c in self.conflicts)
        super().__init__(f"{reason}: {details}" if details else reason)


def assign_reviewers(
    members: Iterable[PanelMember],
    applications: Iterable[ApplicationParties],
    reviewers_per_application: int,
    existing: Iterable[Assignment] = (),
) -> AssignmentPlan:
    """New assignments that give each application N reviewers, counting existing ones."""
    if reviewers_per_application < 1:
        raise ValueError("each application needs at least one reviewer")
    panel = sorted(members, key=lambda m: str(m.member_id))
    current = set(existing)
    load = Counter(a.member_id for a in current)

    def candidates(app: ApplicationParties) -> list[PanelMember]:
        taken = {a.member_id for a in current if a.application_id == app.application_id}
        return [m for m in panel if m.member_id not in taken and not is_conflicted(m, app)]

    def already(app: ApplicationParties) -> int:
        return sum(1 for a in current if a.application_id == app.application_id)

    queue = sorted(applications, key=lambda a: (len(candidates(a)), str(a.application_id)))
    new: list[Assignment] = []
    shortfalls: list[Shortfall] = []
    for app in queue:
        need = reviewers_per_application - already(app)
        chosen = sorted(candidates(app), key=lambda m: (load[m.member_id], str(m.member_id)))
        for member in chosen[: max(need, 0)]:
            assignment = Assignment(app.application_id, member.member_id)
            new.append(assignment)
            current.add(assignment)
            load[member.member_id] += 1
        if already(app) < reviewers_per_application:
            shortfalls.append(
                Shortfall(app.application_id, reviewers_per_application, already(app))
            )
    return AssignmentPlan(tuple(new), tuple(shortfalls))


def check_assignment(
    member: PanelMember, application: ApplicationParties, existing: Iterable[Assignment] = ()
) -> Assignment:
    """The assignment of a member chosen by hand, or AssignmentRefusedError saying why not."""
    found = conflicts(member, application)
    if found:
        raise AssignmentRefusedError("the member is conflicted", found)
    assignment = Assignment(application.application_id, member.member_id)
    if assignment in set(existing):
        raise AssignmentRefusedError("the member is already assigned to this application")
    return assignment


@dataclass(frozen=True)
class ConflictDeclared:
    """What a late conflict declaration changes: the member, the assignment, the reviews.

    Both a draft and a submitted review are invalidated: a conflicted member's marks must
    not reach a result, whatever state they are in.
    """

    member: PanelMember
    remove: Assignment | None
    invalidated: tuple[Review, ...]


def declare_conflict(
    member: PanelMember,
    application_id: UUID,
    assignments: Iterable[Assignment],
    reviews: Iterable[Review],
) -> ConflictDeclared:
    """Record a member's conflict and say which assignment to remove and which reviews void."""
    assignment = Assignment(application_id, member.member_id)
    void = tuple(
        review.invalidated("conflict declared")
        for review in reviews
        if review.counts
        and review.application_id == application_id
        and review.member_id == member.member_id
    )
    return ConflictDeclared(
        member=member.with_declared_conflict(application_id),
        remove=assignment if assignment in set(assignments) else None,
        invalidated=void,
    )
