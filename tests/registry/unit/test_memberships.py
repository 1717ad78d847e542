from datetime import date
from uuid import uuid4

import pytest

from nic_registry.domain.clusters import ClusterHistory
from nic_registry.domain.errors import PeriodConflict
from nic_registry.domain.memberships import (
    Membership,
    add_membership,
    clusters_of_at,
    member_of_current_or_former_nic_cluster,
    members_at,
)
from nic_registry.domain.periods import Period
from nic_shared.contracts.registry_facts import ActorType, ClusterLevel

COMPANY = "923609016"
OTHER = "988077917"


def cluster(level_period: Period | None = None) -> ClusterHistory:
    c = ClusterHistory(uuid4(), "Arena Test", "974760673")
    return c.with_level(ClusterLevel.ARENA, level_period) if level_period else c


def membership(c: ClusterHistory, key: str, start: date, end: date | None = None) -> Membership:
    return Membership(c.cluster_id, key, ActorType.ESTABLISHED_COMPANY, Period(start, end))


def test_member_who_left_before_date_is_not_member():
    c = cluster(Period(date(2020, 1, 1)))
    m = membership(c, COMPANY, date(2023, 1, 1), date(2023, 6, 30))
    assert members_at([m], c.cluster_id, date(2023, 9, 1)) == ()
    assert members_at([m], c.cluster_id, date(2023, 6, 30)) == (m,)


def test_member_who_left_counts_as_member_of_a_cluster_that_has_since_left_the_programme():
    c = cluster(Period(date(2020, 1, 1), date(2023, 8, 31)))
    m = membership(c, COMPANY, date(2023, 1, 1), date(2023, 6, 30))
    day = date(2023, 9, 1)
    assert members_at([m], c.cluster_id, day) == ()
    assert member_of_current_or_former_nic_cluster([m], {c.cluster_id: c}, COMPANY, day)


def test_member_of_an_active_cluster_counts():
    c = cluster(Period(date(2020, 1, 1)))
    m = membership(c, COMPANY, date(2021, 1, 1))
    assert member_of_current_or_former_nic_cluster(
        [m], {c.cluster_id: c}, COMPANY, date(2024, 1, 1)
    )


def test_member_of_a_cluster_never_in_the_programme_does_not_count():
    c = cluster()
    m = membership(c, COMPANY, date(2021, 1, 1))
    assert not member_of_current_or_former_nic_cluster(
        [m], {c.cluster_id: c}, COMPANY, date(2024, 1, 1)
    )


def test_membership_starting_after_the_date_does_not_count():
    c = cluster(Period(date(2020, 1, 1)))
    m = membership(c, COMPANY, date(2024, 6, 1))
    assert not member_of_current_or_former_nic_cluster(
        [m], {c.cluster_id: c}, COMPANY, date(2024, 1, 1)
    )


def test_cluster_that_enters_the_programme_after_the_date_does_not_count():
    c = cluster(Period(date(2025, 1, 1)))
    m = membership(c, COMPANY, date(2021, 1, 1))
    assert not member_of_current_or_former_nic_cluster(
        [m], {c.cluster_id: c}, COMPANY, date(2024, 1, 1)
    )


def test_clusters_of_an_organisation_at_a_date():
    a, b = cluster(Period(date(2020, 1, 1))), cluster(Period(date(2020, 1, 1)))
    ms = [
        membership(a, COMPANY, date(2021, 1, 1)),
        membership(b, COMPANY, date(2021, 1, 1), date(2021, 12, 31)),
        membership(b, OTHER, date(2021, 1, 1)),
    ]
    assert clusters_of_at(ms, COMPANY, date(2021, 6, 1)) == {a.cluster_id, b.cluster_id}
    assert clusters_of_at(ms, COMPANY, date(2022, 6, 1)) == {a.cluster_id}


def test_overlapping_memberships_of_one_organisation_in_one_cluster_are_refused():
    c = cluster()
    first = membership(c, COMPANY, date(2021, 1, 1), date(2022, 12, 31))
    with pytest.raises(PeriodConflict):
        add_membership([first], membership(c, COMPANY, date(2022, 6, 1)))


def test_rejoining_after_leaving_is_allowed():
    c = cluster()
    first = membership(c, COMPANY, date(2021, 1, 1), date(2021, 12, 31))
    both = add_membership([first], membership(c, COMPANY, date(2022, 1, 1)))
    assert len(both) == 2


def test_ending_a_membership_closes_its_period():
    c = cluster()
    m = membership(c, COMPANY, date(2021, 1, 1)).ended(date(2021, 3, 31))
    assert m.period == Period(date(2021, 1, 1), date(2021, 3, 31))
