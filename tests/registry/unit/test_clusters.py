from datetime import date
from uuid import uuid4

import pytest

from nic_registry.domain.clusters import ClusterHistory, EscaGrade, EscaLabel
from nic_registry.domain.errors import InvalidPeriod, PeriodConflict
from nic_registry.domain.periods import Period
from nic_shared.contracts.registry_facts import ClusterLevel, NicStatus

FACILITATOR = "974760673"


def new_cluster() -> ClusterHistory:
    return ClusterHistory(uuid4(), "NCE Test Cluster", FACILITATOR)


def arena_then_pro() -> ClusterHistory:
    return (
        new_cluster()
        .with_level(ClusterLevel.ARENA, Period(date(2015, 1, 1), date(2017, 12, 31)))
        .with_level(ClusterLevel.ARENA_PRO, Period(date(2018, 1, 1), date(2022, 12, 31)))
    )


def test_overlapping_level_periods_are_refused():
    with pytest.raises(PeriodConflict):
        arena_then_pro().with_level(ClusterLevel.GCE, Period(date(2022, 12, 31)))


def test_open_level_blocks_any_later_level():
    c = new_cluster().with_level(ClusterLevel.ARENA, Period(date(2020, 1, 1)))
    with pytest.raises(PeriodConflict):
        c.with_level(ClusterLevel.ARENA_PRO, Period(date(2023, 1, 1)))


def test_level_period_ending_before_its_start_is_invalid():
    with pytest.raises(InvalidPeriod):
        new_cluster().with_level(ClusterLevel.ARENA, Period(date(2020, 1, 1), date(2019, 1, 1)))


def test_overlapping_nce_periods_are_refused():
    c = new_cluster().with_nce(Period(date(2010, 1, 1), date(2015, 12, 31)))
    with pytest.raises(PeriodConflict):
        c.with_nce(Period(date(2015, 6, 1)))


def test_facilitator_needs_a_valid_organisation_number():
    with pytest.raises(ValueError, match="MOD11"):
        ClusterHistory(uuid4(), "X", "988077918")


def test_level_at_follows_the_history():
    c = arena_then_pro()
    assert c.level_at(date(2014, 12, 31)) is None
    assert c.level_at(date(2017, 12, 31)) is ClusterLevel.ARENA
    assert c.level_at(date(2018, 1, 1)) is ClusterLevel.ARENA_PRO
    assert c.level_at(date(2023, 1, 1)) is None


def test_cluster_is_never_nic_before_its_first_period():
    assert arena_then_pro().nic_status_at(date(2014, 6, 1)) is NicStatus.NEVER
    assert new_cluster().nic_status_at(date(2024, 1, 1)) is NicStatus.NEVER


def test_cluster_is_active_while_a_level_covers_the_date():
    assert arena_then_pro().nic_status_at(date(2020, 6, 1)) is NicStatus.ACTIVE


def test_cluster_is_former_after_its_last_level_ended():
    assert arena_then_pro().nic_status_at(date(2023, 1, 1)) is NicStatus.FORMER


def test_nce_brand_alone_makes_a_cluster_active():
    c = new_cluster().with_nce(Period(date(2010, 1, 1), date(2016, 12, 31)))
    assert c.nic_status_at(date(2012, 1, 1)) is NicStatus.ACTIVE
    assert c.base_support_at(date(2012, 1, 1))
    assert c.nic_status_at(date(2017, 1, 1)) is NicStatus.FORMER


def test_base_support_is_arena_arena_pro_gce_or_nce_at_the_date():
    c = arena_then_pro()
    assert c.base_support_at(date(2016, 1, 1))
    assert c.base_support_at(date(2019, 1, 1))
    assert not c.base_support_at(date(2023, 1, 1))


def test_formerly_nce_once_an_nce_period_has_ended():
    c = new_cluster().with_nce(Period(date(2010, 1, 1), date(2016, 12, 31)))
    assert not c.formerly_nce_at(date(2016, 12, 31))
    assert c.nce_brand_at(date(2016, 12, 31))
    assert c.formerly_nce_at(date(2017, 1, 1))
    assert not c.nce_brand_at(date(2017, 1, 1))


def test_mature_qualification_lasts_one_year_and_is_renewed():
    c = new_cluster().with_mature_qualification(date(2021, 3, 1))
    assert c.mature_qualified_at(date(2022, 2, 28))
    assert not c.mature_qualified_at(date(2022, 3, 1))
    renewed = c.with_mature_qualification(date(2022, 3, 1))
    assert renewed.mature_qualified_at(date(2022, 3, 1))


def test_mature_qualification_longer_than_a_year_is_invalid():
    with pytest.raises(InvalidPeriod):
        ClusterHistory(
            uuid4(), "X", FACILITATOR, mature=(Period(date(2021, 1, 1), date(2022, 1, 1)),)
        )


def test_open_ended_mature_qualification_is_invalid():
    with pytest.raises(InvalidPeriod):
        ClusterHistory(uuid4(), "X", FACILITATOR, mature=(Period(date(2021, 1, 1)),))


def test_esca_label_is_valid_until_it_expires():
    c = new_cluster().with_esca(EscaLabel(EscaGrade.GOLD, date(2021, 12, 1), date(2023, 11, 30)))
    assert c.esca_label_at(date(2023, 11, 30)) is EscaGrade.GOLD
    assert c.esca_label_at(date(2023, 12, 1)) is None
    assert c.esca_label_at(date(2021, 11, 30)) is None


def test_highest_valid_esca_grade_counts():
    c = (
        new_cluster()
        .with_esca(EscaLabel(EscaGrade.SILVER, date(2020, 1, 1), date(2021, 12, 31)))
        .with_esca(EscaLabel(EscaGrade.GOLD, date(2021, 6, 1), date(2023, 5, 31)))
        .with_esca(EscaLabel(EscaGrade.BRONZE, date(2021, 7, 1), date(2023, 6, 30)))
    )
    assert c.esca_label_at(date(2021, 8, 1)) is EscaGrade.GOLD
    assert c.esca_label_at(date(2023, 6, 15)) is EscaGrade.BRONZE


def test_esca_label_expiring_before_its_award_is_invalid():
    with pytest.raises(InvalidPeriod):
        EscaLabel(EscaGrade.BRONZE, date(2022, 1, 1), date(2021, 1, 1))
