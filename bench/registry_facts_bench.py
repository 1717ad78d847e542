"""Benchmark the registry's facts endpoint against a bare one-row endpoint (not a test).

Builds a registry of 60 clusters x 300 members in a temporary SQLite database (and in
PostgreSQL when given one), starts the registry under uvicorn on a free port, and measures
`POST /v1/facts` for 20 organisations per call; then, on the same database in the same run,
a tiny FastAPI app whose one endpoint reads one organisation row. Prints requests/s, p50
and p99 and the ratio facts/bare. Servers run in their own process (one uvicorn worker); the
load comes from this process.

    .venv/bin/python bench/registry_facts_bench.py                 # SQLite only
    .venv/bin/python bench/registry_facts_bench.py --start-postgres  # and a throw-away PG
    NIC_BENCH_PG_URL=postgresql+asyncpg://user@host:5432 .venv/bin/python bench/...

A PostgreSQL URL names a server; the bench creates (and drops) its own database there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLUSTERS, MEMBERS, POOL, PER_CALL = 60, 300, 12_000, 20
LEVELS = ("arena", "arena_pro", "gce")
ACTORS = ("established_company", "startup", "capital", "research", "education", "public")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def org_numbers(count: int) -> list[str]:
    from nic_shared import orgnr

    numbers: list[str] = []
    base = 10_000_000
    while len(numbers) < count:
        digit = orgnr.check_digit(f"{base:08d}")
        if digit is not None:
            numbers.append(f"{base:08d}{digit}")
        base += 1
    return numbers


# -- the data --------------------------------------------------------------------------------


async def populate(url: str, seed: int = 7) -> tuple[list[str], list[str]]:
    """60 clusters with a level each, 300 members each from a pool of 12 000 organisations."""
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine

    from nic_registry.models import Base

    t = Base.metadata.tables
    rng = random.Random(seed)
    now = datetime.now(UTC)
    keys = org_numbers(POOL)
    orgs = [
        {
            "key": k,
            "org_number": k,
            "name": f"Bedrift {k}",
            "org_form_code": "AS",
            "sector_code": "2100",
            "registered_in_foretaksregisteret": True,
            "bankrupt": False,
            "winding_up": False,
            "deleted": False,
            "nace_codes": ["62.010"],
            "research_declared": False,
            "headcount_awu": rng.randint(1, 400),
            "turnover_nok": rng.randint(10**6, 10**9),
            "balance_sheet_nok": rng.randint(10**6, 10**9),
            "source": "manual",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for k in keys
    ]
    clusters: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for i in range(CLUSTERS):
        cid = uuid.uuid4()
        clusters.append(
            {
                "id": cid,
                "name": f"Klynge {i}",
                "facilitator_org_number": keys[i],
                "region": "Innlandet",
                "focus_areas": [],
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        ended = date(2022, 12, 31) if i % 10 == 0 else None
        periods.append(
            {
                "id": uuid.uuid4(),
                "cluster_id": cid,
                "kind": "level",
                "level": LEVELS[i % 3],
                "valid_from": date(2018, 1, 1),
                "valid_to": ended,
                "created_at": now,
            }
        )
        for key in rng.sample(keys, MEMBERS):
            start = date(2018 + rng.randint(0, 5), 1 + rng.randint(0, 11), 1)
            end = date(start.year + 1, 12, 31) if rng.random() < 0.2 else None
            members.append(
                {
                    "id": uuid.uuid4(),
                    "cluster_id": cid,
                    "organisation_key": key,
                    "actor_type": rng.choice(ACTORS),
                    "valid_from": start,
                    "valid_to": end,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for table, rows in (
            ("organisations", orgs),
            ("clusters", clusters),
            ("cluster_periods", periods),
            ("memberships", members),
        ):
            for first in range(0, len(rows), 2000):
                await conn.execute(insert(t[table]), rows[first : first + 2000])
    await engine.dispose()
    member_keys = sorted({str(m["organisation_key"]) for m in members})
    return member_keys, [str(c["id"]) for c in clusters]


# -- the servers (run in a child process) ----------------------------------------------------


def bare_app(url: str) -> Any:
    from fastapi import FastAPI
    from sqlalchemy import text

    from nic_shared.db import Database

    app = FastAPI()
    db = Database(url, pool_size=10)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/one/{key}")
    async def one(key: str) -> dict[str, Any]:
        async with db.transaction() as session:
            row = (
                await session.execute(
                    text("SELECT key, name FROM organisations WHERE key = :k"), {"k": key}
                )
            ).one()
        return {"key": row.key, "name": row.name}

    return app


def serve_child(kind: str, url: str, port: int) -> None:
    import uvicorn

    if kind == "bare":
        app = bare_app(url)
    else:
        from nic_registry.main import create_app
        from nic_registry.settings import RegistrySettings

        app = create_app(
            RegistrySettings(
                database_url=url,
                port=port,
                kafka_bootstrap=f"127.0.0.1:{free_port()}",
                relay_backoff_max_s=60,
                log_level="ERROR",
            )
        )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def start(kind: str, url: str, log: Path) -> Server:
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: ASYNC220 (starting it does not block)
            [sys.executable, __file__, "--serve", kind, "--url", url, "--port", str(port)],
            stdout=out,
            stderr=out,
            env=env,
            cwd=ROOT,
        )
    server = Server(process, f"http://127.0.0.1:{port}")
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"{server.base_url}/healthz")).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                break
            await asyncio.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{kind} server did not start; see {log}")


# -- the load --------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def quantile(self, q: float) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[int(q * 100) - 1]


async def load(send: Any, seconds: float, concurrency: int, warmup: float = 1.0) -> Result:
    import httpx

    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as c:
        deadline = time.perf_counter() + warmup
        measuring = False

        async def worker(rng: random.Random) -> None:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                response = await send(c, rng)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
                if measuring:
                    latencies.append((time.perf_counter() - began) * 1000)

        await asyncio.gather(*(worker(random.Random(i)) for i in range(concurrency)))
        measuring, began = True, time.perf_counter()
        deadline = began + seconds
        await asyncio.gather(*(worker(random.Random(100 + i)) for i in range(concurrency)))
        elapsed = time.perf_counter() - began
    return Result(len(latencies), elapsed, latencies)


async def bench(name: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    from nic_registry.main import MIGRATIONS
    from nic_shared import migrations
    from nic_shared.devtoken import mint

    began = time.perf_counter()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    keys, clusters = await populate(url)
    print(
        f"[{name}] registry of {CLUSTERS} clusters x {MEMBERS} members "
        f"({len(keys)} organisations) built in {time.perf_counter() - began:.1f}s"
    )
    token = mint(roles=[], scopes=["registry:read"])
    headers = {"Authorization": f"Bearer {token}"}

    async def facts(client: Any, rng: random.Random) -> Any:
        query = {
            "organisations": rng.sample(keys, PER_CALL),
            "cluster_id": rng.choice(clusters),
            "as_of": f"{rng.randint(2019, 2024)}-06-01",
        }
        return await client.post(f"{registry.base_url}/v1/facts", json=query, headers=headers)

    async def bare(client: Any, rng: random.Random) -> Any:
        return await client.get(f"{plain.base_url}/one/{rng.choice(keys)}")

    log = workdir / f"{name}-servers.log"
    registry = await start("registry", url, log)
    try:
        facts_result = await load(facts, args.seconds, args.concurrency)
    finally:
        registry.stop()
    plain = await start("bare", url, log)
    try:
        bare_result = await load(bare, args.seconds, args.concurrency)
    finally:
        plain.stop()
    for label, r in (
        (f"facts ({PER_CALL} orgs/call)", facts_result),
        ("bare (one row)", bare_result),
    ):
        print(
            f"[{name}] {label:<22} {r.rate:8.1f} req/s   p50 {r.quantile(0.5):6.1f} ms   "
            f"p99 {r.quantile(0.99):6.1f} ms   ({r.requests} requests)"
        )
    print(
        f"[{name}] ratio facts/bare: {facts_result.rate / bare_result.rate:.2f} "
        f"(= {facts_result.rate * PER_CALL:.0f} organisations/s)"
    )


async def postgres_database(server_url: str) -> tuple[str, Any]:
    import asyncpg

    name = f"nic_bench_{uuid.uuid4().hex[:10]}"
    admin = server_url.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    return f"{server_url}/{name}", drop


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nic-bench-"))
    print(
        f"cpus: {os.cpu_count()}, {args.seconds:.0f}s per measurement, "
        f"{args.concurrency} concurrent clients; server logs in {workdir}"
    )
    await bench("sqlite", f"sqlite+aiosqlite:///{workdir / 'registry.db'}", args, workdir)
    pg_server = None
    server_url = args.pg_url or os.environ.get("NIC_BENCH_PG_URL")
    if args.start_postgres and not server_url:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import PostgresServer

        pg_server = PostgresServer().start()
        server_url = pg_server.url
    if server_url:
        try:
            url, drop = await postgres_database(server_url.rstrip("/"))
            try:
                await bench("postgresql", url, args, workdir)
            finally:
                await drop()
        finally:
            if pg_server is not None:
                pg_server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pg-url", help="a PostgreSQL server, postgresql+asyncpg://user@host:port")
    parser.add_argument(
        "--start-postgres",
        action="store_true",
        help="start a throw-away PostgreSQL (tests/support/postgres.py)",
    )
    parser.add_argument("--serve", choices=["registry", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve:
        serve_child(parsed.serve, parsed.url, parsed.port)
    else:
        asyncio.run(main(parsed))
