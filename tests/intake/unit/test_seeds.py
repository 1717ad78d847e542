"""The three calls of the seeds, with their real dates."""

from __future__ import annotations

from datetime import UTC, datetime

from nic_intake.domain.deadline import OSLO
from nic_intake.domain.seeds import (
    CIRCULAR_VALUE_CHAINS_2023,
    INNOVASJONSRAMMEN_2018_2,
    MATURE_CLUSTERS_2021,
    SEED_CALLS,
    seed_call,
)
from nic_shared.events.specs import Scheme


def test_mature_clusters_2021_closes_1_october_16_00_oslo() -> None:
    assert MATURE_CLUSTERS_2021.deadline == datetime(2021, 10, 1, 14, tzinfo=UTC)
    assert MATURE_CLUSTERS_2021.deadline.astimezone(OSLO).hour == 16
    assert MATURE_CLUSTERS_2021.scheme is Scheme.MATURE_CLUSTERS


def test_circular_value_chains_2023_runs_12_may_to_1_september() -> None:
    call = CIRCULAR_VALUE_CHAINS_2023
    assert call.opens_at == datetime(2023, 5, 12, tzinfo=OSLO)
    assert call.deadline == datetime(2023, 9, 1, 16, tzinfo=OSLO)
    assert call.scheme is Scheme.CIRCULAR_VALUE_CHAINS


def test_innovasjonsrammen_uses_the_second_2018_round() -> None:
    assert INNOVASJONSRAMMEN_2018_2.deadline == datetime(2018, 9, 15, 16, tzinfo=OSLO)
    assert INNOVASJONSRAMMEN_2018_2.terms.grant_max_nok == 300_000


def test_every_seed_call_publishes_a_valid_event() -> None:
    for call in SEED_CALLS:
        event = call.published()
        assert event.code == call.code
        assert event.opens_at < event.deadline
        assert event.title_nb
        assert event.title_en
        assert call.description.nb
        assert call.description.en
        assert event.budget_frame_nok > 0
        assert event.rule_set == call.terms.rule_set


def test_seed_call_ids_are_stable_and_distinct() -> None:
    ids = {call.call_id for call in SEED_CALLS}
    assert len(ids) == 3
    assert seed_call("NIC-SIRK-2023").call_id == CIRCULAR_VALUE_CHAINS_2023.call_id
