"""Submission throughput of intake against a bare FastAPI insert, in the same run.

    .venv/bin/python bench/intake_submit_bench.py [--postgres URL] [--per-level 300]

Starts intake under uvicorn (one worker, a free port, a temp SQLite database, or the
PostgreSQL database given by URL, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench),
publishes an open call, prepares complete drafts (content and attachment), then submits
them at rising concurrency (1, 8, 32), printing submissions/s and p50/p99. The baseline is
a bare FastAPI endpoint that validates a body of the same size and inserts it as one row
(SQLAlchemy Core, one commit) into the same database, measured right after each level.

No broker is started: the outbox relay backs off and events stay in the outbox table, so
the figures are the HTTP + database path (the relay's publishing is not included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "shared"), str(ROOT / "services" / "intake")]

from nic_intake.domain.deadline import OSLO  # noqa: E402
from nic_shared.devtoken import mint  # noqa: E402
from tests.support.environment import platform_environ  # noqa: E402
from tests.support.ports import free_port, wait_for_port  # noqa: E402

LEVELS = (1, 8, 32)
OWNER, PARTNER_B, PARTNER_C = "910000004", "910000012", "910000020"


def content() -> dict[str, Any]:
    return {
        "title": "Industriell symbiose i Grenland",
        "summary": "Restvarme og slagg fra tre bedrifter blir råvare for hverandre. " * 20,
        "project_start": "2027-01-01",
        "project_end": "2028-12-31",
        "project_owner": OWNER,
        "partners": [
            {"org_number": OWNER, "name": "Eier AS", "role": "owner", "declared_sme": True},
            {"org_number": PARTNER_B, "name": "Partner B AS", "role": "partner"},
            {"org_number": PARTNER_C, "name": "Partner C AS", "role": "partner"},
        ],
        "contact_person": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "budget": [
            {"category": c, "year": y, "partner": p, "amount_nok": 100_000}
            for c in ("personnel", "services", "equipment")
            for y in (2027, 2028)
            for p in (OWNER, PARTNER_B, PARTNER_C)
        ],
        "requested_amount_nok": 800_000,
        "objectives": ["industrial_symbiosis"],
        "aid_basis": "gber_29",
        "implementation_plan": "Fase 1: kartlegging. Fase 2: pilot. " * 40,
    }


BARE_APP = """
import os
from typing import Any
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert
from nic_shared.db import Database

meta = MetaData()
rows = Table("bench_bare", meta, Column("id", Integer, primary_key=True), Column("body", JSON))

class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: dict[str, Any]

db = Database(os.environ["BENCH_DB"], pool_size=10)
app = FastAPI()

@app.on_event("startup")
async def create() -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(meta.create_all)

@app.post("/bare", status_code=201)
async def bare(body: Body) -> dict[str, str]:
    async with db.transaction() as session:
        await session.execute(insert(rows).values(body=body.content))
    return {"status": "ok"}
"""


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *args,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={**platform_environ(), **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, 30)
    return process


def headers(*roles: str, org: str | None = None, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(roles=list(roles), org=org, subject=subject)}"}


async def prepare(client: httpx.AsyncClient, total: int) -> list[str]:
    officer = headers("programme_officer")
    now = datetime.now(OSLO).replace(tzinfo=None, microsecond=0)
    call = {
        "code": f"BENCH-{uuid.uuid4().hex[:8].upper()}",
        "scheme": "circular_value_chains",
        "title": {"nb": "Benk", "en": "Bench"},
        "description": {"nb": "Benk", "en": "Bench"},
        "opens_at_local": (now - timedelta(days=1)).isoformat(),
        "deadline_local": (now + timedelta(days=1)).isoformat(),
        "budget_frame_nok": 10**9,
    }
    created = (await client.post("/v1/calls", json=call, headers=officer)).json()
    await client.post(f"/v1/calls/{created['id']}/publish", headers=officer)
    applicant = headers("applicant", org=OWNER, subject="bench")
    ids: list[str] = []

    async def one() -> None:
        body = {"call_id": created["id"], "content": content()}
        app = (await client.post("/v1/applications", json=body, headers=applicant)).json()
        upload = await client.post(
            f"/v1/applications/{app['id']}/attachments",
            params={"kind": "partner_goals_and_motivation", "filename": "m.pdf"},
            content=b"%PDF-1.7 " + b"x" * 4000,
            headers={**applicant, "Content-Type": "application/pdf"},
        )
        upload.raise_for_status()
        ids.append(app["id"])

    for start_at in range(0, total, 16):
        await asyncio.gather(*(one() for _ in range(min(16, total - start_at))))
    return ids


async def drive(
    client: httpx.AsyncClient,
    concurrency: int,
    requests: list[tuple[str, dict[str, Any], dict[str, str]]],
) -> tuple[float, float, float]:
    """Requests/s, p50 ms and p99 ms for the requests sent by `concurrency` workers."""
    queue = list(reversed(requests))
    latencies: list[float] = []

    async def worker() -> None:
        while queue:
            path, body, hdrs = queue.pop()
            began = time.perf_counter()
            response = await client.post(path, json=body, headers=hdrs)
            latencies.append(time.perf_counter() - began)
            if response.status_code != 201:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def run(database_url: str, per_level: int, label: str) -> None:
    intake_port, bare_port = free_port(), free_port()
    workdir = Path(tempfile.mkdtemp(prefix="nic-bench-"))
    subprocess.run(
        [sys.executable, "-m", "nic_intake", "migrate"],
        env={**platform_environ(), "NIC_INTAKE_DATABASE_URL": database_url},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    intake_env = {
        "NIC_INTAKE_DATABASE_URL": database_url,
        "NIC_INTAKE_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}",  # no broker: relay backs off
        "NIC_INTAKE_RELAY_BACKOFF_MAX_S": "30",
        "NIC_INTAKE_DATA_DIR": str(workdir / "data"),
        "NIC_INTAKE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), str(ROOT / "services" / "intake")]),
    }
    (workdir / "bare_app.py").write_text(BARE_APP)
    bare_env = {"BENCH_DB": database_url, "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT / 'shared'}"}
    servers = [
        start(["--factory", "nic_intake.main:create_app"], intake_env, intake_port),
        start(["bare_app:app"], bare_env, bare_port),
    ]
    try:
        asyncio.run(measure(intake_port, bare_port, per_level, label))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


async def measure(intake_port: int, bare_port: int, per_level: int, label: str) -> None:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with (
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{intake_port}", limits=limits, timeout=60
        ) as intake,
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{bare_port}", limits=limits, timeout=60
        ) as bare,
    ):
        ids = await prepare(intake, per_level * len(LEVELS) + 10)
        applicant = headers("applicant", org=OWNER, subject="bench")
        body = content()
        warm = [
            (
                f"/v1/applications/{i}/submit",
                {"confirm": True},
                {**applicant, "Idempotency-Key": uuid.uuid4().hex},
            )
            for i in ids[:10]
        ]
        await drive(intake, 2, warm)
        await drive(bare, 2, [("/bare", {"content": body}, {})] * 10)
        print(f"\n{label}: {per_level} submissions per level (1 uvicorn worker each)")
        print(
            f"{'conc':>4} | {'intake/s':>9} {'p50 ms':>7} {'p99 ms':>7} | "
            f"{'bare/s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'rate':>5} {'p50':>5} {'p99':>5}"
        )
        for n, concurrency in enumerate(LEVELS):
            batch = ids[10 + n * per_level : 10 + (n + 1) * per_level]
            submits = [
                (
                    f"/v1/applications/{i}/submit",
                    {"confirm": True},
                    {**applicant, "Idempotency-Key": uuid.uuid4().hex},
                )
                for i in batch
            ]
            rate, p50, p99 = await drive(intake, concurrency, submits)
            b_rate, b_p50, b_p99 = await drive(
                bare, concurrency, [("/bare", {"content": body}, {})] * per_level
            )
            print(
                f"{concurrency:>4} | {rate:>9.0f} {p50:>7.1f} {p99:>7.1f} | {b_rate:>8.0f} "
                f"{b_p50:>7.1f} {b_p99:>7.1f} | {rate / b_rate:>5.2f} {p50 / b_p50:>5.2f} "
                f"{p99 / b_p99:>5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", help="an empty PostgreSQL database (postgresql+asyncpg://...)"
    )
    parser.add_argument("--per-level", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nic-bench-db-") as tmp:
        run(f"sqlite+aiosqlite:///{tmp}/bench.db", args.per_level, "SQLite (WAL)")
    if args.postgres:
        run(args.postgres, args.per_level, "PostgreSQL")


if __name__ == "__main__":
    main()
