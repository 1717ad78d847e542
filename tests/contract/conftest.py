"""The four services as processes (SQLite, the shared test broker) for contract fuzzing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.platform import quiet_port
from tests.support.processes import ServiceProcess
from tests.support.services import service_settings, unique_prefix

SERVICES = ("intake", "eligibility", "scoring", "registry")


@pytest.fixture(scope="session")
def services(broker, tmp_path_factory) -> Iterator[dict[str, ServiceProcess]]:
    root: Path = tmp_path_factory.mktemp("contract")
    prefix = unique_prefix()
    running: dict[str, ServiceProcess] = {}
    for name in SERVICES:
        values = service_settings(broker.bootstrap, f"sqlite+aiosqlite:///{root}/{name}.db", prefix)
        values |= {"port": quiet_port(), "log_level": "WARNING"}
        if name == "intake":
            values["data_dir"] = str(root / "intake")
        running[name] = ServiceProcess(name, values, log=root / f"{name}.log")
    if "eligibility" in running:
        running["eligibility"].env["NIC_ELIGIBILITY_REGISTRY_URL"] = running["registry"].url
    try:
        for process in running.values():
            process.migrate()

        async def start_all() -> None:
            await asyncio.gather(*(p.start(ready=True, timeout_s=60) for p in running.values()))

        asyncio.run(start_all())
        yield running
    finally:

        async def stop_all() -> None:
            await asyncio.gather(*(p.stop() for p in running.values()))

        asyncio.run(stop_all())
