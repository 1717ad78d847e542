"""The annual evaluation's rules (domain/evaluation.py): facts at a date, the checklist, warnings."""

from __future__ import annotations

import uuid
from datetime import date

from nic_registry.domain.annual_report import Activity, ActivityType, FivePoint
from nic_registry.domain.clusters import ClusterHistory, EscaGrade, EscaLabel, LevelPeriod
from nic_registry.domain.evaluation import (
    Criterion,
    ExpiryKind,
    Outcome,
    Verdict,
    checklist,
    effective_verdicts,
    evaluation_facts,
    evaluation_window,
    expiry_warnings,
    in_programme,
    level_facts,
    suggested_outcome,
    twelve_months_to,
)
from nic_registry.domain.memberships import Membership
from nic_registry.domain.periods import Period
from nic_shared.contracts.registry_facts import ActorType, ClusterLevel

CID = uuid.UUID(int=1)
ALL_TYPES = [
    ActorType.ESTABLISHED_COMPANY,
    ActorType.STARTUP,
    ActorType.CAPITAL,
    ActorType.RESEARCH,
    ActorType.PUBLIC,
]


def history(**fields: object) -> ClusterHistory:
    return ClusterHistory(CID, "Klynge", "974760673", **fields)  # type: ignore[arg-type]


def arena(start: date, end: date | None = None) -> LevelPeriod:
    return LevelPeriod(ClusterLevel.ARENA, Period(start, end))


def members(*types: ActorType, since: date = date(2020, 1, 1)) -> list[Membership]:
    return [Membership(CID, f"org{i}", t, Period(since)) for i, t in enumerate(types)]


def activity(day: date, area: ActivityType) -> Activity:
    return Activity(CID, day, area, 10)


def verdicts(h: ClusterHistory, ms, acts, as_of: date, lead: int = 180) -> dict[Criterion, Verdict]:
    facts = evaluation_facts(h, ms, acts, as_of)
    return {i.criterion: i.verdict for i in checklist(facts, lead)}


GOOD_ACTIVITIES = [
    activity(date(2024, 3, 1), ActivityType.COMPETENCE),
    activity(date(2024, 5, 1), ActivityType.INNOVATION_COLLABORATION),
]


def test_the_date_is_year_end_or_today_if_earlier():
    assert evaluation_window(2024, date(2026, 1, 5)) == date(2024, 12, 31)
    assert evaluation_window(2026, date(2026, 6, 30)) == date(2026, 6, 30)


def test_activities_count_over_the_twelve_months_up_to_the_date():
    assert twelve_months_to(date(2024, 12, 31)) == date(2024, 1, 1)
    assert twelve_months_to(date(2024, 6, 30)) == date(2023, 7, 1)
    assert twelve_months_to(date(2024, 2, 29)) == date(2023, 3, 1)


def test_members_are_counted_by_actor_type_at_the_date():
    ms = [
        *members(ActorType.ESTABLISHED_COMPANY, ActorType.ESTABLISHED_COMPANY, ActorType.RESEARCH),
        Membership(CID, "gone", ActorType.CAPITAL, Period(date(2020, 1, 1), date(2024, 6, 30))),
        Membership(uuid.UUID(int=2), "other", ActorType.CAPITAL, Period(date(2020, 1, 1))),
    ]
    facts = evaluation_facts(history(), ms, [], date(2024, 12, 31))
    assert facts.members_by_actor_type[ActorType.ESTABLISHED_COMPANY] == 2
    assert facts.members_by_actor_type[ActorType.RESEARCH] == 1
    assert facts.members_by_actor_type[ActorType.CAPITAL] == 0
    assert facts.members_total == 3


def test_five_point_coverage_passes_with_all_actor_types():
    h = history(levels=(arena(date(2023, 1, 1)),))
    got = verdicts(
        h, members(*ALL_TYPES, ActorType.ESTABLISHED_COMPANY), GOOD_ACTIVITIES, date(2024, 12, 31)
    )
    assert got[Criterion.FIVE_POINT] is Verdict.PASS


def test_education_counts_as_academia_in_the_five_points():
    facts = evaluation_facts(
        history(),
        members(ActorType.ESTABLISHED_COMPANY, ActorType.EDUCATION),
        [],
        date(2024, 12, 31),
    )
    assert FivePoint.ACADEMIA in facts.five_point.present


def test_a_missing_actor_type_warns_an_arena_and_fails_an_nce_cluster():
    four = members(*ALL_TYPES[:4], ActorType.ESTABLISHED_COMPANY)
    day = date(2024, 12, 31)
    gold = EscaLabel(EscaGrade.GOLD, date(2024, 1, 1), date(2027, 1, 1))
    plain = history(levels=(arena(date(2023, 1, 1)),))
    nce = history(nce=(Period(date(2020, 1, 1)),), esca=(gold,))
    assert verdicts(plain, four, GOOD_ACTIVITIES, day)[Criterion.FIVE_POINT] is Verdict.WARN
    assert verdicts(nce, four, GOOD_ACTIVITIES, day)[Criterion.FIVE_POINT] is Verdict.FAIL


def test_no_members_fails_and_companies_in_minority_warns():
    day = date(2024, 12, 31)
    h = history(levels=(arena(date(2023, 1, 1)),))
    assert verdicts(h, [], [], day)[Criterion.MEMBER_BASE] is Verdict.FAIL
    minority = members(ActorType.ESTABLISHED_COMPANY, ActorType.RESEARCH, ActorType.PUBLIC)
    assert verdicts(h, minority, [], day)[Criterion.MEMBER_BASE] is Verdict.WARN
    half = members(ActorType.STARTUP, ActorType.RESEARCH)
    assert verdicts(h, half, [], day)[Criterion.MEMBER_BASE] is Verdict.PASS


def test_activity_in_one_development_area_warns_and_none_fails():
    day = date(2024, 12, 31)
    h = history(levels=(arena(date(2023, 1, 1)),))
    ms = members(*ALL_TYPES)
    assert verdicts(h, ms, [], day)[Criterion.DEVELOPMENT_ACTIVITY] is Verdict.FAIL
    one = [activity(date(2024, 2, 1), ActivityType.COMPETENCE)] * 3
    assert verdicts(h, ms, one, day)[Criterion.DEVELOPMENT_ACTIVITY] is Verdict.WARN
    only_operations = [activity(date(2024, 2, 1), ActivityType.OPERATIONS)]
    assert verdicts(h, ms, only_operations, day)[Criterion.DEVELOPMENT_ACTIVITY] is Verdict.WARN
    last_year = [activity(date(2023, 12, 31), ActivityType.MOBILISATION)]
    assert (
        verdicts(h, ms, GOOD_ACTIVITIES + last_year, day)[Criterion.DEVELOPMENT_ACTIVITY]
        is Verdict.PASS
    )
    facts = evaluation_facts(h, ms, GOOD_ACTIVITIES + last_year, day)
    assert facts.activities_by_area[ActivityType.MOBILISATION] == 0


def test_arena_past_its_three_year_cap_fails_the_checklist():
    h = history(levels=(arena(date(2020, 1, 1)),))  # open-ended: year 5 on 31 December 2024
    level = level_facts(h.levels, date(2024, 12, 31))
    assert level is not None
    assert (level.cap_years, level.cap_ends_on, level.year_of_term) == (3, date(2022, 12, 31), 5)
    assert verdicts(h, [], [], date(2024, 12, 31))[Criterion.LEVEL_CAP] is Verdict.FAIL


def test_an_arena_period_planned_past_the_cap_fails():
    h = history(levels=(arena(date(2023, 1, 1), date(2026, 6, 30)),))
    assert verdicts(h, [], [], date(2024, 12, 31))[Criterion.LEVEL_CAP] is Verdict.FAIL


def test_back_to_back_arena_periods_count_as_one_term():
    h = history(
        levels=(
            arena(date(2021, 1, 1), date(2022, 12, 31)),
            arena(date(2023, 1, 1), date(2024, 12, 31)),
        )
    )
    level = level_facts(h.levels, date(2024, 6, 1))
    assert level is not None
    assert level.run_start == date(2021, 1, 1)
    assert verdicts(h, [], [], date(2024, 6, 1))[Criterion.LEVEL_CAP] is Verdict.FAIL


def test_arena_pro_in_its_third_year_passes_and_its_last_months_warn():
    pro = history(
        levels=(LevelPeriod(ClusterLevel.ARENA_PRO, Period(date(2022, 1, 1), date(2026, 12, 31))),)
    )
    assert verdicts(pro, [], [], date(2024, 12, 31))[Criterion.LEVEL_CAP] is Verdict.PASS
    assert verdicts(pro, [], [], date(2026, 9, 1))[Criterion.LEVEL_CAP] is Verdict.WARN


def test_gce_has_no_cap():
    gce = history(levels=(LevelPeriod(ClusterLevel.GCE, Period(date(2010, 1, 1))),))
    assert verdicts(gce, [], [], date(2024, 12, 31))[Criterion.LEVEL_CAP] is Verdict.PASS


def test_esca_gold_is_required_of_a_mature_cluster():
    silver = EscaLabel(EscaGrade.SILVER, date(2023, 1, 1), date(2026, 12, 31))
    h = history(mature=(Period(date(2024, 6, 1), date(2025, 5, 31)),), esca=(silver,))
    got = verdicts(h, [], [], date(2024, 12, 31))
    assert got[Criterion.ESCA_LABEL] is Verdict.FAIL
    assert got[Criterion.MATURE_RENEWAL] is Verdict.WARN  # renewal due within 180 days
    assert Criterion.LEVEL_CAP not in got


def test_esca_label_expiring_within_lead_time_warns():
    label = EscaLabel(EscaGrade.GOLD, date(2022, 1, 1), date(2025, 3, 31))
    h = history(levels=(arena(date(2023, 1, 1)),), esca=(label,))
    assert verdicts(h, [], [], date(2024, 12, 31), lead=180)[Criterion.ESCA_LABEL] is Verdict.WARN
    assert verdicts(h, [], [], date(2024, 12, 31), lead=30)[Criterion.ESCA_LABEL] is Verdict.PASS


def test_a_lapsed_mature_qualification_fails():
    h = history(mature=(Period(date(2023, 6, 1), date(2024, 5, 31)),))
    got = verdicts(h, [], [], date(2024, 12, 31))
    assert got[Criterion.MATURE_RENEWAL] is Verdict.FAIL


def test_overrides_replace_verdicts_and_a_failure_suggests_a_warning():
    h = history(levels=(arena(date(2023, 1, 1)),))
    items = checklist(evaluation_facts(h, [], [], date(2024, 12, 31)), 180)
    assert suggested_outcome(i.verdict for i in items) is Outcome.WARNING
    overridden = effective_verdicts(
        items,
        {Criterion.MEMBER_BASE: Verdict.PASS, Criterion.DEVELOPMENT_ACTIVITY: Verdict.PASS},
    )
    assert suggested_outcome(overridden.values()) is Outcome.CONTINUE


def test_in_programme_means_a_period_during_the_year():
    h = history(levels=(arena(date(2020, 1, 1), date(2022, 12, 31)),))
    assert in_programme(h, date(2022, 1, 1), date(2022, 12, 31))
    assert not in_programme(h, date(2023, 1, 1), date(2023, 12, 31))


def test_expiry_warnings_name_what_runs_out_and_days_left():
    label = EscaLabel(EscaGrade.GOLD, date(2022, 1, 1), date(2025, 3, 31))
    h = history(levels=(arena(date(2022, 7, 1), date(2025, 6, 30)),), esca=(label,))
    got = expiry_warnings(h, date(2025, 1, 1), 180)
    assert [(w.kind, w.expires_on, w.days_left) for w in got] == [
        (ExpiryKind.LEVEL_PERIOD, date(2025, 6, 30), 180),
        (ExpiryKind.ESCA_LABEL, date(2025, 3, 31), 89),
    ]
    assert expiry_warnings(h, date(2025, 1, 1), 60) == []


def test_a_continued_period_or_a_renewed_label_is_not_warned():
    old = EscaLabel(EscaGrade.GOLD, date(2022, 1, 1), date(2025, 3, 31))
    new = EscaLabel(EscaGrade.GOLD, date(2025, 3, 1), date(2028, 2, 28))
    h = history(
        levels=(
            arena(date(2022, 7, 1), date(2025, 6, 30)),
            LevelPeriod(ClusterLevel.ARENA_PRO, Period(date(2025, 7, 1), date(2030, 6, 30))),
        ),
        esca=(old, new),
    )
    assert expiry_warnings(h, date(2025, 1, 1), 180) == []


def test_an_open_arena_is_warned_at_its_cap():
    h = history(levels=(arena(date(2022, 7, 1)),))
    got = expiry_warnings(h, date(2025, 5, 1), 90)
    assert [(w.kind, w.expires_on) for w in got] == [(ExpiryKind.LEVEL_PERIOD, date(2025, 6, 30))]
