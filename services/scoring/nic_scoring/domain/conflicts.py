"""Conflicts of interest between panel members and applications.

A member is conflicted for an application when affiliated with any organisation taking part
(the applicant or a partner, by organisation number), affiliated with the applying cluster,
or when the member has declared a conflict with that application.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from uuid import UUID

from nic_shared.events.eligibility import AssessedApplication


def normalise_org_number(value: str) -> str:
    """Organisation numbers compare without spaces: "923 609 016" is 923609016."""
    return "".join(value.split())


def _org_numbers(values: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise_org_number(v) for v in values)


@dataclass(frozen=True)
class PanelMember:
    member_id: UUID
    org_numbers: frozenset[str] = field(default_factory=frozenset)
    cluster_ids: frozenset[UUID] = field(default_factory=frozenset)
    declared_conflicts: frozenset[UUID] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "org_numbers", _org_numbers(self.org_numbers))

    def with_declared_conflict(self, application_id: UUID) -> PanelMember:
        return replace(self, declared_conflicts=self.declared_conflicts | {application_id})


@dataclass(frozen=True)
class ApplicationParties:
    """Who takes part in an application: what the conflict check compares against."""

    application_id: UUID
    org_numbers: frozenset[str]
    cluster_id: UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "org_numbers", _org_numbers(self.org_numbers))

    @classmethod
    def of(cls, application_id: UUID, application: AssessedApplication) -> ApplicationParties:
        """The applicant and every partner organisation, and the applying cluster."""
        orgs = [application.applicant_org_number, *application.partner_org_numbers]
        return cls(application_id, frozenset(orgs), application.cluster_id)


class ConflictKind(StrEnum):
    ORGANISATION = "organisation"
    CLUSTER = "cluster"
    DECLARED = "declared"


@dataclass(frozen=True)
class Conflict:
    """One reason a member may not review an application; `ref` is the org, cluster or app id."""

    member_id: UUID
    application_id: UUID
    kind: ConflictKind
    ref: str

    @property
    def reason(self) -> str:
        return f"member {self.member_id} has a {self.kind} conflict ({self.ref})"


def conflicts(member: PanelMember, application: ApplicationParties) -> list[Conflict]:
    """Every conflict of the member with the application, in a stable order; empty if none."""

    def found(kind: ConflictKind, ref: object) -> Conflict:
        return Conflict(member.member_id, application.application_id, kind, str(ref))

    shared_orgs = sorted(member.org_numbers & application.org_numbers)
    found_conflicts = [found(ConflictKind.ORGANISATION, org) for org in shared_orgs]
    if application.cluster_id is not None and application.cluster_id in member.cluster_ids:
        found_conflicts.append(found(ConflictKind.CLUSTER, application.cluster_id))
    if application.application_id in member.declared_conflicts:
        found_conflicts.append(found(ConflictKind.DECLARED, application.application_id))
    return found_conflicts


def is_conflicted(member: PanelMember, application: ApplicationParties) -> bool:
    return bool(conflicts(member, application))
