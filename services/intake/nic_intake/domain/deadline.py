"""Submission windows in Europe/Oslo time.

Calls state deadlines as an Oslo wall-clock time ("1. oktober 2021 kl 16.00"). We store the
UTC instant and compare instants, so daylight saving never shifts a deadline. A local time
that does not exist (spring forward) or exists twice (fall back) is refused rather than
guessed: a deadline must mean one instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


class LocalTimeError(ValueError):
    """An Oslo wall-clock time that does not name exactly one instant."""


class NonexistentLocalTimeError(LocalTimeError):
    """The time is skipped when clocks go forward (e.g. 02:30 on the last Sunday of March)."""


class AmbiguousLocalTimeError(LocalTimeError):
    """The time happens twice when clocks go back (e.g. 02:30 on the last Sunday of October)."""


class NaiveInstantError(ValueError):
    """A datetime without a timezone cannot be compared with a deadline."""


def oslo_instant(day: date, at: time) -> datetime:
    """The UTC instant of an Oslo wall-clock date and time; refuses DST gaps and overlaps."""
    if at.tzinfo is not None:
        raise ValueError("give the Oslo wall-clock time without a timezone")
    naive = datetime.combine(day, at)
    early = naive.replace(tzinfo=OSLO, fold=0)
    late = naive.replace(tzinfo=OSLO, fold=1)
    if early.utcoffset() != late.utcoffset():
        round_trip = early.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)
        if round_trip != naive:
            raise NonexistentLocalTimeError(f"{naive.isoformat()} does not exist in Europe/Oslo")
        raise AmbiguousLocalTimeError(f"{naive.isoformat()} happens twice in Europe/Oslo")
    return early.astimezone(UTC)


def in_oslo(instant: datetime) -> datetime:
    """The same instant shown in Oslo time (for receipts and messages)."""
    _require_aware(instant)
    return instant.astimezone(OSLO)


def is_open(now: datetime, opens_at: datetime, deadline: datetime) -> bool:
    """True iff opens_at <= now < deadline: a submission at the deadline itself is late."""
    for value in (now, opens_at, deadline):
        _require_aware(value)
    return opens_at <= now < deadline


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveInstantError(f"{value.isoformat()} has no timezone")
