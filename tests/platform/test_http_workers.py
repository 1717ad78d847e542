"""`serve` with several uvicorn workers (real processes, real HTTP) and SQLite's refusals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict

from nic_registry.main import MIGRATIONS
from tests.registry.builders import officer, org_numbers
from tests.support.ports import free_port
from tests.support.processes import service_environ
from tests.support.services import migrate, service_settings

ROOT = Path(__file__).resolve().parents[2]


def _env(settings: dict[str, Any], **extra: str) -> dict[str, str]:
    return service_environ("registry", settings, **extra)


def _company(number: str) -> dict[str, Any]:
    return {
        "org_number": number,
        "name": f"Firma {number} AS",
        "org_form_code": "AS",
        "sector_code": "2100",
        "registered_in_foretaksregisteret": True,
        "headcount_awu": 12,
        "turnover_nok": 18_000_000,
        "balance_sheet_nok": 9_000_000,
        "figures_year": 2025,
    }


def _posts_per_pid(folder: Path) -> dict[int, float]:
    counts: dict[int, float] = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):
            _, name, labels, _ = json.loads(key)
            if (
                name == "nic_http_requests_total"
                and labels.get("route") == "/v1/organisations"
                and labels.get("method") == "POST"
            ):
                counts[pid] = counts.get(pid, 0) + value
    return {pid: n for pid, n in counts.items() if n}


def _metric_sum(text: str, route: str, method: str) -> float:
    total = 0.0
    for line in text.splitlines():
        wanted = f'route="{route}"' in line and f'method="{method}"' in line
        if line.startswith("nic_http_requests_total{") and wanted:
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite refuses several workers
async def test_two_workers_on_postgresql_serve_and_metrics_add_up(
    new_database: Any, tmp_path: Path
) -> None:
    url = await new_database("registry", MIGRATIONS)
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.") | {
        "port": port,
        "http_workers": 2,
        "log_level": "WARNING",
    }
    log = open(tmp_path / "registry.log", "wb")  # noqa: SIM115, ASYNC230
    process = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "nic_registry", "serve"],
        env=_env(settings, TMPDIR=str(temp)),
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,  # so the workers can be cleaned up with their supervisor
    )
    base = f"http://127.0.0.1:{port}"
    sent = 0
    try:
        limits = httpx.Limits(max_keepalive_connections=0)  # a new connection each request
        async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            folders = list(temp.glob("nic-registry-metrics-*"))
            assert len(folders) == 1, folders
            numbers = iter(org_numbers(400))
            for _ in range(20):  # until both workers have answered some
                batch = [next(numbers) for _ in range(20)]
                answers = await asyncio.gather(
                    *(
                        client.post("/v1/organisations", json=_company(n), headers=officer())
                        for n in batch
                    )
                )
                assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
                sent += len(batch)
                if len(_posts_per_pid(folders[0])) >= 2:
                    break
            per_pid = _posts_per_pid(folders[0])
            assert len(per_pid) == 2, per_pid
            assert sum(per_pid.values()) == sent
            for _ in range(3):  # any worker answers /metrics: each sums both
                metrics = await client.get("/metrics")
                assert metrics.status_code == 200
                assert _metric_sum(metrics.text, "/v1/organisations", "POST") == sent
            listed = await client.get("/v1/organisations?limit=200", headers=officer())
            assert listed.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 20)
        finally:
            with contextlib.suppress(ProcessLookupError):  # workers left behind, if any
                os.killpg(process.pid, signal.SIGKILL)
            log.close()
    assert process.returncode == 0, (tmp_path / "registry.log").read_text()[-2000:]
    assert not list(temp.glob("nic-registry-metrics-*")), "the metrics folder is removed"


def _serve(env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nic_registry", "serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_several_workers_on_sqlite_are_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    base = {"database_url": f"sqlite+aiosqlite:///{db}", "port": free_port()}
    for env, source in (
        (_env(base | {"http_workers": 2}), "NIC_REGISTRY_HTTP_WORKERS=2"),
        (_env(base, WEB_CONCURRENCY="2"), "WEB_CONCURRENCY=2"),
    ):
        done = _serve(env)
        assert done.returncode == 2
        line = done.stderr.strip()
        assert "\n" not in line
        assert line == (
            f"registry cannot run 2 HTTP workers ({source}) on the SQLite database {db}: "
            "SQLite takes one process per database file; run one worker, or use PostgreSQL "
            "for several workers"
        )


async def test_a_second_process_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    url = f"sqlite+aiosqlite:///{db}"
    await migrate(MIGRATIONS, url)
    first_port = free_port()
    first = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "nic_registry", "serve"],
        env=_env({"database_url": url, "port": first_port}),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            for _ in range(300):
                try:
                    if (await client.get(f"http://127.0.0.1:{first_port}/healthz")).is_success:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        done = await asyncio.to_thread(_serve, _env({"database_url": url, "port": free_port()}))
    finally:
        first.terminate()
        await asyncio.to_thread(first.wait, 20)
    assert done.returncode == 3
    assert done.stderr.strip() == (
        f"registry cannot serve the SQLite database {db}: process {first.pid} already serves "
        f"it (lock {db}.lock); SQLite takes one instance per database file: stop that one, "
        "or use PostgreSQL for several instances"
    )
