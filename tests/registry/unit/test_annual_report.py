from datetime import date
from uuid import uuid4

from nic_registry.domain.annual_report import (
    Activity,
    ActivityType,
    FivePoint,
    MemberCounts,
    annual_report,
    five_point_coverage,
)
from nic_registry.domain.memberships import Membership
from nic_registry.domain.periods import Period
from nic_shared.contracts.registry_facts import ActorType

CLUSTER = uuid4()
A = ActorType


def member(key: str, actor: ActorType, start: date, end: date | None = None) -> Membership:
    return Membership(CLUSTER, key, actor, Period(start, end))


def full_house() -> list[Membership]:
    return [
        member("923609016", A.ESTABLISHED_COMPANY, date(2020, 1, 1)),
        member("988077917", A.STARTUP, date(2022, 1, 1)),
        member("912660680", A.CAPITAL, date(2021, 1, 1)),
        member("983887457", A.RESEARCH, date(2021, 1, 1)),
        member("974760673", A.PUBLIC, date(2021, 1, 1)),
    ]


def test_cluster_with_four_of_five_actor_types_lacks_five_point_coverage():
    members = [m for m in full_house() if m.actor_type is not A.CAPITAL]
    report = annual_report(CLUSTER, 2023, members, [])
    assert not report.five_point.covered
    assert report.five_point.missing == (FivePoint.CAPITAL,)


def test_cluster_with_all_five_actor_types_has_five_point_coverage():
    assert annual_report(CLUSTER, 2023, full_house(), []).five_point.covered


def test_education_counts_as_academia_like_research():
    coverage = five_point_coverage(
        [A.ESTABLISHED_COMPANY, A.STARTUP, A.CAPITAL, A.EDUCATION, A.PUBLIC]
    )
    assert coverage.covered


def test_coverage_is_judged_at_year_end():
    members = [*full_house()[:2], *full_house()[3:]]
    members.append(member("912660680", A.CAPITAL, date(2021, 1, 1), date(2023, 11, 30)))
    report = annual_report(CLUSTER, 2023, members, [])
    assert report.five_point.missing == (FivePoint.CAPITAL,)


def test_members_by_actor_type_at_start_joined_left_and_at_end():
    members = [
        member("923609016", A.ESTABLISHED_COMPANY, date(2020, 1, 1)),
        member("988077917", A.ESTABLISHED_COMPANY, date(2023, 1, 1), date(2023, 6, 30)),
        member("912660680", A.ESTABLISHED_COMPANY, date(2022, 5, 1), date(2023, 3, 31)),
        member("983887457", A.ESTABLISHED_COMPANY, date(2023, 4, 1)),
        member("974760673", A.PUBLIC, date(2024, 1, 1)),
    ]
    report = annual_report(CLUSTER, 2023, members, [])
    assert report.members[A.ESTABLISHED_COMPANY] == MemberCounts(
        at_start=3, joined=2, left=2, at_end=2
    )
    assert report.members[A.PUBLIC] == MemberCounts()
    assert report.members_at_end == 2


def test_other_clusters_are_ignored():
    other = Membership(uuid4(), "923609016", A.CAPITAL, Period(date(2020, 1, 1)))
    report = annual_report(
        CLUSTER,
        2023,
        [other],
        [Activity(other.cluster_id, date(2023, 1, 1), ActivityType.COMPETENCE, 9)],
    )
    assert report.members_at_end == 0
    assert report.total_participants == 0


def test_activities_are_counted_by_area_within_the_year():
    activities = [
        Activity(CLUSTER, date(2023, 2, 1), ActivityType.COMPETENCE, 30, "Kurs"),
        Activity(CLUSTER, date(2023, 12, 31), ActivityType.COMPETENCE, 12),
        Activity(CLUSTER, date(2023, 5, 1), ActivityType.INTERNATIONAL_MARKET_POSITIONS, 8),
        Activity(CLUSTER, date(2024, 1, 1), ActivityType.MOBILISATION, 100),
    ]
    report = annual_report(CLUSTER, 2023, [], activities)
    assert report.activities[ActivityType.COMPETENCE].activities == 2
    assert report.activities[ActivityType.COMPETENCE].participants == 42
    assert report.activities[ActivityType.MOBILISATION].activities == 0
    assert report.activities[ActivityType.OPERATIONS].activities == 0
    assert report.total_participants == 50


def test_the_four_development_areas_and_operations_are_the_activity_types():
    assert {t.value for t in ActivityType} == {
        "competence",
        "innovation_collaboration",
        "mobilisation",
        "international_market_positions",
        "operations",
    }


def test_members_of_type_other_count_for_none_of_the_five():
    coverage = five_point_coverage([ActorType.OTHER, ActorType.PUBLIC])
    assert not coverage.covered
    assert FivePoint.PUBLIC in coverage.present
    assert len(coverage.missing) == 4
