"""The environment the suite, the demo and the benchmarks give the processes they start.

A developer's shell may hold NIC_* settings for the platform `make run` has up (ports, URLs,
SMTP). Nothing the tests start may inherit them: every service, broker and mail setting a
test platform uses is one it chose. Only the test harness's own knobs pass through.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

HARNESS_KNOBS = ("NIC_TEST_", "NIC_PG_BIN", "NIC_BENCH_", "NIC_FAULT_", "NIC_CONTRACT_")


def is_platform_setting(name: str) -> bool:
    """A variable that configures a service, the broker or the demo (not the harness)."""
    return name.startswith("NIC_") and not name.startswith(HARNESS_KNOBS)


def platform_environ(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default os.environ) without any platform setting."""
    source = os.environ if base is None else base
    return {k: v for k, v in source.items() if not is_platform_setting(k)}


def clear_platform_settings() -> list[str]:
    """Remove platform settings from this process's environment (pydantic-settings reads it
    for every field a test does not set); returns the names removed."""
    names = sorted(k for k in os.environ if is_platform_setting(k))
    for name in names:
        del os.environ[name]
    return names
