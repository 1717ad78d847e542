"""Fault tests: the platform's services as processes on the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.faults.platform import Platform
from tests.faults.scenarios import tail


@pytest.fixture
async def platform_factory(new_database, topic_prefix, tmp_path) -> AsyncIterator[object]:
    """Build a Platform on a given broker; stops every process afterwards and, when the
    test failed, prints the tail of each service's log."""
    built: list[Platform] = []

    async def make(bootstrap: str, **kwargs: object) -> Platform:
        platform = await Platform.build(
            bootstrap=bootstrap,
            new_database=new_database,
            prefix=topic_prefix,
            tmp_path=tmp_path,
            **kwargs,  # type: ignore[arg-type]
        )
        built.append(platform)
        return platform

    yield make
    for platform in built:
        await platform.stop_all()
        for log in sorted(Path(platform.logs).glob("*.log")):  # noqa: ASYNC240
            print(f"--- {log.name}\n{tail(log)}")
