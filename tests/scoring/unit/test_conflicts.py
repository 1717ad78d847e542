"""A member is conflicted by a shared organisation, the applying cluster, or a declaration."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from nic_scoring.domain.conflicts import (
    ApplicationParties,
    ConflictKind,
    PanelMember,
    conflicts,
    is_conflicted,
)
from nic_shared.events.eligibility import AssessedApplication

APPLICANT = "923609016"
PARTNER = "974760673"
OTHER_ORG = "982463718"
CLUSTER = UUID(int=100)
OTHER_CLUSTER = UUID(int=200)
APP = UUID(int=1)
MEMBER = UUID(int=50)


def application(**overrides) -> ApplicationParties:
    assessed = AssessedApplication(
        title="Sirkulær betong",
        applicant_org_number=APPLICANT,
        partner_org_numbers=overrides.get("partners", [PARTNER]),
        cluster_id=overrides.get("cluster_id", CLUSTER),
        requested_amount_nok=300_000,
        submitted_at=datetime(2023, 8, 30, 12, tzinfo=UTC),
    )
    return ApplicationParties.of(APP, assessed)


def test_a_member_affiliated_with_the_applicant_is_conflicted():
    member = PanelMember(MEMBER, org_numbers=frozenset({APPLICANT}))
    assert [c.kind for c in conflicts(member, application())] == [ConflictKind.ORGANISATION]


def test_a_member_affiliated_with_a_partner_is_conflicted_however_the_number_is_spaced():
    member = PanelMember(MEMBER, org_numbers=frozenset({"974 760 673"}))
    found = conflicts(member, application())
    assert [(c.kind, c.ref) for c in found] == [(ConflictKind.ORGANISATION, PARTNER)]


def test_a_member_affiliated_with_the_applying_cluster_is_conflicted():
    member = PanelMember(MEMBER, cluster_ids=frozenset({CLUSTER}))
    assert [c.kind for c in conflicts(member, application())] == [ConflictKind.CLUSTER]


def test_a_declared_conflict_counts():
    member = PanelMember(MEMBER).with_declared_conflict(APP)
    assert [c.kind for c in conflicts(member, application())] == [ConflictKind.DECLARED]


def test_every_conflict_is_reported():
    member = PanelMember(
        MEMBER,
        org_numbers=frozenset({APPLICANT, PARTNER}),
        cluster_ids=frozenset({CLUSTER}),
        declared_conflicts=frozenset({APP}),
    )
    assert [c.kind for c in conflicts(member, application())] == [
        ConflictKind.ORGANISATION,
        ConflictKind.ORGANISATION,
        ConflictKind.CLUSTER,
        ConflictKind.DECLARED,
    ]


def test_unrelated_affiliations_are_no_conflict():
    member = PanelMember(
        MEMBER,
        org_numbers=frozenset({OTHER_ORG}),
        cluster_ids=frozenset({OTHER_CLUSTER}),
        declared_conflicts=frozenset({UUID(int=2)}),
    )
    assert not is_conflicted(member, application())


def test_an_application_without_a_cluster_conflicts_with_no_cluster_member():
    member = PanelMember(MEMBER, cluster_ids=frozenset({CLUSTER}))
    assert not is_conflicted(member, application(cluster_id=None))
