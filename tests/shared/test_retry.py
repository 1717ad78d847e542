"""The one retry helper: Retry-After in both forms, and backoff with jitter."""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from nic_eligibility.registry import RegistryClient, RegistryUnavailable
from nic_eligibility.settings import EligibilitySettings
from nic_operations.webhook_delivery import DeliveryWorker
from nic_shared.retry import (
    backoff_delay,
    backoff_delays,
    backoff_step,
    jittered,
    retry_after_seconds,
)
from nic_shared.service_tokens import ClientCredentials, TokenEndpointUnavailable

NOW = datetime(2026, 12, 7, 10, 0, 0, tzinfo=UTC)


def http_date(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


@pytest.mark.parametrize(("value", "seconds"), [("0", 0.0), ("120", 120.0), (" 30 ", 30.0)])
def test_delta_seconds_are_read_as_seconds(value: str, seconds: float) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def test_an_http_date_in_the_future_is_the_seconds_until_it() -> None:
    assert retry_after_seconds(http_date(NOW + timedelta(minutes=2)), NOW) == 120.0


@pytest.mark.parametrize(
    "value",
    [
        "Monday, 07-Dec-26 10:02:00 GMT",  # RFC 850, obsolete but to be accepted
        "Mon Dec  7 10:02:00 2026",  # asctime
    ],
)
def test_the_obsolete_date_forms_are_read_too(value: str) -> None:
    assert retry_after_seconds(value, NOW) == 120.0


def test_an_http_date_in_the_past_is_zero_never_negative() -> None:
    assert retry_after_seconds(http_date(NOW - timedelta(hours=1)), NOW) == 0.0


def test_the_date_is_counted_from_now_by_default() -> None:
    seconds = retry_after_seconds(http_date(datetime.now(UTC) + timedelta(seconds=60)))
    assert seconds is not None
    assert 55 <= seconds <= 60


@pytest.mark.parametrize("value", ["-5", "-0.5", "-86400"])
def test_a_negative_value_is_zero(value: str) -> None:
    assert retry_after_seconds(value, NOW) == 0.0


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "soon", "1e9", "nan", "inf", "12 s", "Mon, 99 Dec 2026 10:02:00 GMT"],
)
def test_garbage_is_none(value: str | None) -> None:
    assert retry_after_seconds(value, NOW) is None


def test_a_long_wait_is_capped_at_the_maximum_in_both_forms() -> None:
    assert retry_after_seconds("86400", NOW, maximum=60) == 60.0
    later = http_date(NOW + timedelta(days=1))
    assert retry_after_seconds(later, NOW, maximum=60) == 60.0
    assert retry_after_seconds("10", NOW, maximum=60) == 10.0


def test_the_steps_double_up_to_the_maximum() -> None:
    steps = [backoff_step(n, first=0.1, maximum=1.0) for n in range(1, 7)]
    assert steps == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert backoff_step(10_000, first=1.0, maximum=5.0) == 5.0  # no overflow


def test_jitter_stays_within_the_step_and_is_not_constant() -> None:
    delays = backoff_delays(0.1, 1.0, rng=random.Random(1))
    waits = [next(delays) for _ in range(200)]
    for attempt, wait in enumerate(waits, start=1):
        assert 0.0 <= wait <= backoff_step(attempt, first=0.1, maximum=1.0)
    capped = waits[10:]
    assert len(set(capped)) > 100
    assert min(capped) < 0.3 < 0.7 < max(capped)  # spread over the whole range


def test_reset_starts_again_from_the_first_step() -> None:
    delays = backoff_delays(1.0, 100.0)
    for _ in range(6):
        next(delays)
    delays.reset()
    assert next(delays) <= 1.0


def test_a_seeded_random_gives_the_same_waits() -> None:
    first = backoff_delays(0.2, 10.0, rng=random.Random(42))
    second = backoff_delays(0.2, 10.0, rng=random.Random(42))
    assert [next(first) for _ in range(10)] == [next(second) for _ in range(10)]
    assert backoff_delay(3, first=0.2, maximum=10.0, rng=random.Random(7)) == backoff_delay(
        3, first=0.2, maximum=10.0, rng=random.Random(7)
    )


def test_a_scheduled_wait_with_partial_jitter_keeps_most_of_it() -> None:
    rng = random.Random(3)
    waits = [jittered(100.0, spread=0.2, rng=rng) for _ in range(100)]
    assert all(80.0 <= w <= 100.0 for w in waits)
    assert len(set(waits)) == 100
    assert jittered(100.0, spread=0.0) == 100.0
    with pytest.raises(ValueError, match="fraction"):
        jittered(1.0, spread=1.5)


# The loops that read Retry-After from an HTTP answer


def _settings(**overrides: Any) -> EligibilitySettings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": "sqlite+aiosqlite:///:memory:",
        "jwt_secret": "x" * 40,
        "registry_url": "http://registry.invalid",
        "registry_attempts": 2,
        "registry_backoff_s": 0.01,
    }
    return EligibilitySettings(**(values | overrides))


async def _ask_registry(retry_after: str) -> tuple[list[float], RegistryUnavailable]:
    asked: list[float] = []

    def busy(request: httpx.Request) -> httpx.Response:
        asked.append(time.monotonic())
        return httpx.Response(503, headers={"Retry-After": retry_after})

    client = RegistryClient(_settings(), transport=httpx.MockTransport(busy))
    await client.open()
    try:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.facts(["974760673"], None, date(2026, 12, 7))
    finally:
        await client.close()
    return asked, raised.value


async def test_the_registry_client_waits_out_a_short_retry_after_given_as_a_date() -> None:
    soon = http_date(datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2))
    asked, _ = await _ask_registry(soon)
    assert len(asked) == 2
    assert asked[1] - asked[0] >= 0.9  # not the 0.01 s backoff, not 0


async def test_the_registry_client_stops_asking_when_retry_after_is_long() -> None:
    asked, error = await _ask_registry("3600")
    assert len(asked) == 1
    assert "retry after 3600s" in str(error)


async def test_a_token_endpoints_retry_after_rides_on_its_error() -> None:
    def throttled(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "7"})

    source = ClientCredentials(
        token_url="http://idp.invalid/token",
        client_id="eligibility",
        client_secret="s3cret",
        scope="registry:read",
        transport=httpx.MockTransport(throttled),
    )
    try:
        with pytest.raises(TokenEndpointUnavailable) as raised:
            await source.token()
    finally:
        await source.aclose()
    assert raised.value.retry_after == 7.0


def test_a_webhook_retry_is_jittered_and_honours_a_longer_retry_after() -> None:
    worker = SimpleNamespace(settings=SimpleNamespace(webhook_backoff_s=[5.0, 30.0, 120.0]))
    waits = [DeliveryWorker.next_wait(worker, 2) for _ in range(50)]  # type: ignore[arg-type]
    assert all(24.0 <= w <= 30.0 for w in waits)
    assert len(set(waits)) > 1
    assert DeliveryWorker.next_wait(worker, 1, 60.0) == 60.0  # type: ignore[arg-type]
    assert DeliveryWorker.next_wait(worker, 1, 86400.0) == 120.0  # type: ignore[arg-type]
    assert DeliveryWorker.next_wait(worker, 9) <= 120.0  # type: ignore[arg-type]
