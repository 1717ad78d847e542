"""Intake's real submit against a bare one-insert endpoint, driven by wrk, side by side.

    .venv/bin/python bench/submit_wrk_bench.py [--db sqlite,postgres] [--connections 32]
                                               [--duration 10] [--reps 3] [--no-workers]

For each database kind (a temporary SQLite WAL file; a throw-away PostgreSQL server from
tests/support/postgres.py), starts two servers with the same flags: intake as it runs
(`python -m nic_intake serve`, one worker) and a bare FastAPI app that validates a body of
the same shape ({"confirm": true, "content": {...10 KB...}}) and inserts it as one row
through nic_shared.db. Publishes a call, makes --drafts complete drafts (10 KB of content
each, one contact address each), then alternates wrk runs (a compiled, closed-loop load
generator; `deploy/ensure-wrk.sh` installs Debian's package) --reps times: intake's
`POST /v1/applications/{id}/submit` with a fresh Idempotency-Key per request (a new version
of a draft each time, round-robin over the drafts), then the bare endpoint. Prints every run,
the medians and their ratio. On PostgreSQL it then alternates intake with one and with two
HTTP workers (NIC_INTAKE_HTTP_WORKERS) and prints that ratio too.

After every intake run it re-checks the database: every stored idempotency answer has its
one version, every version one ApplicationSubmitted in the outbox and one status entry, and
at least as many versions were stored as wrk counted 201s (a request still in flight when
wrk stops may commit after it: at most one per connection).

No broker runs: the outbox relay backs off and events stay in the outbox table, so this is
the HTTP + database path alone; bench/deadline_rush.py measures the whole platform.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.intake_submit_bench import OWNER, content  # noqa: E402
from bench.wrk_support import Run, ready, start, wrk_bin  # noqa: E402
from bench.wrk_support import wrk as wrk_run  # noqa: E402
from nic_intake.domain.templates import terms_for  # noqa: E402
from nic_shared.devtoken import mint  # noqa: E402
from nic_shared.events.specs import Scheme  # noqa: E402
from tests.support.environment import platform_environ  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

OFFICER = {"Authorization": f"Bearer {mint(roles=['programme_officer'], subject='wrk')}"}
APPLICANT_TOKEN = mint(roles=["applicant"], org=OWNER, subject="wrk-bench")

BARE_APP = """
import os
from typing import Any
from contextlib import asynccontextmanager
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert
from nic_shared.db import Database

meta = MetaData()
rows = Table("bench_bare", meta, Column("id", Integer, primary_key=True), Column("body", JSON))

class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: bool
    content: dict[str, Any]

db = Database(os.environ["BENCH_DB"], pool_size=10)

@asynccontextmanager
async def lifespan(app):
    async with db.engine.begin() as conn:
        await conn.run_sync(meta.create_all)
    yield
    await db.dispose()

app = FastAPI(lifespan=lifespan)

@app.post("/bare", status_code=201)
async def bare(body: Body) -> dict[str, str]:
    async with db.transaction() as session:
        await session.execute(insert(rows).values(body=body.content))
    return {"status": "ok"}

if __name__ == "__main__":  # the options nic_shared.cli gives a service's uvicorn
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["BENCH_PORT"]), log_config=None,
                access_log=False, timeout_graceful_shutdown=5, timeout_keep_alive=5,
                limit_concurrency=500, server_header=False)
"""


def wrk(
    url: str, mode: str, source: Path, connections: int, duration: float, server: int = 0
) -> Run:
    return wrk_run(url, mode, source, connections, duration, server, token=APPLICANT_TOKEN)


def intake_env(database_url: str, port: int, workdir: Path, workers: int) -> dict[str, str]:
    return {
        "NIC_INTAKE_DATABASE_URL": database_url,
        "NIC_INTAKE_PORT": str(port),
        "NIC_INTAKE_HTTP_WORKERS": str(workers),
        "NIC_INTAKE_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}",  # no broker: relay backs off
        "NIC_INTAKE_RELAY_BACKOFF_MAX_S": "30",
        "NIC_INTAKE_DATA_DIR": str(workdir / f"data-{port}"),
        "NIC_INTAKE_LOG_LEVEL": "WARNING",
        # Drafts are submitted again and again; the mail limits stay as they are (one
        # contact address: the first 20 receipts of the hour are mailed, as in the rush).
        "NIC_INTAKE_SUBMISSIONS_PER_APPLICATION_PER_HOUR": "1000000",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), str(ROOT / "services" / "intake")]),
    }


def prepare(base_url: str, count: int) -> list[str]:
    """A published call without the attachment part, and `count` complete drafts."""
    parts = [
        p
        for p in terms_for(Scheme.CIRCULAR_VALUE_CHAINS).required_parts
        if not p.startswith("attachment:")
    ]

    async def go() -> list[str]:
        from datetime import datetime, timedelta

        from nic_intake.domain.deadline import OSLO

        oslo = datetime.now(OSLO).replace(tzinfo=None, microsecond=0)
        call = {
            "code": f"WRK-{uuid.uuid4().hex[:8].upper()}",
            "scheme": "circular_value_chains",
            "title": {"nb": "Benk", "en": "Bench"},
            "description": {"nb": "Benk", "en": "Bench"},
            "opens_at_local": (oslo - timedelta(days=1)).isoformat(),
            "deadline_local": (oslo + timedelta(days=1)).isoformat(),
            "budget_frame_nok": 10**9,
            "overrides": {"required_parts": parts},
        }
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            made = await client.post("/v1/calls", json=call, headers=OFFICER)
            assert made.status_code == 201, made.text
            call_id = made.json()["id"]
            await client.post(f"/v1/calls/{call_id}/publish", headers=OFFICER)
            who = {"Authorization": f"Bearer {APPLICANT_TOKEN}"}
            gate = asyncio.Semaphore(16)

            async def one(n: int) -> str:
                body = content()
                async with gate:
                    r = await client.post(
                        "/v1/applications", json={"call_id": call_id, "content": body}, headers=who
                    )
                assert r.status_code == 201, r.text
                return str(r.json()["id"])

            return list(await asyncio.gather(*(one(n) for n in range(count))))

    return asyncio.run(go())


COUNTS = (
    "SELECT count(*) FROM application_versions",
    "SELECT count(*) FROM outbox WHERE event_type = 'no.nic.application.submitted.v1'",
    "SELECT count(DISTINCT event_id) FROM outbox "
    "WHERE event_type = 'no.nic.application.submitted.v1'",
    "SELECT count(*) FROM status_entries WHERE kind = 'submitted'",
    "SELECT count(*) FROM idempotency_keys WHERE scope LIKE 'submit:%' AND status_code = 201",
)


async def counts(database_url: str) -> tuple[int, ...]:
    """Versions, submitted events (rows, distinct ids), status entries, answers: in
    one snapshot, read again until nothing is still being committed."""
    engine = create_async_engine(database_url)
    last: tuple[int, ...] = ()
    try:
        for _ in range(60):
            async with engine.connect() as conn:
                if not database_url.startswith("sqlite"):
                    await conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                now = tuple([(await conn.execute(text(q))).scalar_one() for q in COUNTS])
            if now == last:
                return now
            last = now
            await asyncio.sleep(0.5)
        return last
    finally:
        await engine.dispose()


def check(before: tuple[int, ...], after: tuple[int, ...], ok: int, connections: int) -> str:
    """'' when the run kept the promises, else what broke."""
    versions, events, distinct, statuses, answers = (
        a - b for a, b in zip(after, before, strict=True)
    )
    wrong = []
    if not (events == distinct == statuses == answers == versions):
        wrong.append(
            f"versions {versions}, ApplicationSubmitted {events} ({distinct} distinct), "
            f"status entries {statuses}, stored answers {answers}"
        )
    if not ok <= versions <= ok + connections:
        wrong.append(f"{ok} receipts (201) but {versions} versions stored")
    return "; ".join(wrong)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.rate for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.ok for r in runs),
        sum(r.errors for r in runs),
        statistics.median(r.server_cpu for r in runs),
        statistics.median(r.client_cpu for r in runs),
    )


class Bench:
    """One database kind: its servers, its drafts, its runs."""

    def __init__(self, args: argparse.Namespace, label: str, urls: dict[str, str]) -> None:
        self.args, self.label, self.urls = args, label, urls
        self.workdir = Path(tempfile.mkdtemp(prefix="nic-wrk-"))
        self.servers: list[subprocess.Popen[bytes]] = []
        self.failures: list[str] = []
        self.pids: dict[str, int] = {}

    def intake(self, workers: int) -> str:
        port = free_port()
        env = intake_env(self.urls["intake"], port, self.workdir, workers)
        cmd = [sys.executable, "-m", "nic_intake", "serve"]
        self.servers.append(start(cmd, env, port, ROOT))
        url = f"http://127.0.0.1:{port}"
        self.pids[url] = self.servers[-1].pid
        ready(url, workers)
        return url

    def bare(self) -> str:
        port = free_port()
        (self.workdir / "bare_app.py").write_text(BARE_APP)
        env = {
            "BENCH_DB": self.urls["bare"],
            "BENCH_PORT": str(port),
            "PYTHONPATH": os.pathsep.join([str(self.workdir), str(ROOT / "shared")]),
        }
        cmd = [sys.executable, str(self.workdir / "bare_app.py")]
        self.servers.append(start(cmd, env, port, self.workdir))
        self.pids[f"http://127.0.0.1:{port}"] = self.servers[-1].pid
        return f"http://127.0.0.1:{port}"

    def submit(self, url: str, ids: Path) -> Run:
        before = asyncio.run(counts(self.urls["intake"]))
        run = wrk(url, "submit", ids, self.args.connections, self.args.duration, self.pids[url])
        wrong = check(before, asyncio.run(counts(self.urls["intake"])), run.ok,
                      self.args.connections)  # fmt: skip
        if wrong or run.errors:
            self.failures.append(wrong or f"{run.errors} errors or non-2xx answers")
        return run

    def run(self) -> None:
        a = self.args
        subprocess.run(
            [sys.executable, "-m", "nic_intake", "migrate"],
            env={**platform_environ(), "NIC_INTAKE_DATABASE_URL": self.urls["intake"]},
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        intake_url, bare_url = self.intake(1), self.bare()
        ids = self.workdir / "ids.txt"
        ids.write_text("\n".join(prepare(intake_url, a.drafts)) + "\n")
        body = self.workdir / "body.json"
        body.write_text(json.dumps({"confirm": True, "content": content()}))
        wrk(intake_url, "submit", ids, 8, 2)  # warm both up
        wrk(bare_url, "bare", body, 8, 2)
        print(f"\n{self.label}: wrk, {a.connections} connections, {a.duration:g} s per run, "
              f"1 uvicorn worker each, load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        intake_runs, bare_runs = [], []
        for rep in range(a.reps):
            intake_runs.append(self.submit(intake_url, ids))
            bare_runs.append(
                wrk(bare_url, "bare", body, a.connections, a.duration, self.pids[bare_url])
            )
            print(f"  run {rep + 1}: intake {intake_runs[-1].line()} | bare "
                  f"{bare_runs[-1].line()}", flush=True)  # fmt: skip
        i, b = median_run(intake_runs), median_run(bare_runs)
        print(f"{self.label} median: intake {i.line()} | bare {b.line()} | "
              f"ratio {i.rate / b.rate:.2f}", flush=True)  # fmt: skip
        if a.workers and not self.label.startswith("SQLite"):
            two_url = self.intake(2)
            wrk(two_url, "submit", ids, 8, 2)
            ones, twos = [], []
            for rep in range(a.reps):
                ones.append(self.submit(intake_url, ids))
                twos.append(self.submit(two_url, ids))
                print(f"  run {rep + 1}: 1 worker {ones[-1].line()} | 2 workers "
                      f"{twos[-1].line()}", flush=True)  # fmt: skip
            o, t = median_run(ones), median_run(twos)
            print(f"{self.label} median: intake 1 worker {o.line()} | 2 workers {t.line()} | "
                  f"ratio {t.rate / o.rate:.2f}", flush=True)  # fmt: skip
        print(
            f"{self.label} checks after every intake run: "
            + ("; ".join(self.failures) if self.failures else "all zero"),
            flush=True,
        )

    def stop(self) -> None:
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--drafts", type=int, default=1500, help="distinct applications")
    parser.add_argument("--no-workers", dest="workers", action="store_false",
                        help="skip 1 vs 2 workers on PostgreSQL")  # fmt: skip
    args = parser.parse_args()
    wrk_bin()
    failed = False
    for kind in args.db.split(","):
        server = None
        if kind == "sqlite":
            tmp = Path(tempfile.mkdtemp(prefix="nic-wrk-db-"))
            urls = {n: f"sqlite+aiosqlite:///{tmp}/{n}.db" for n in ("intake", "bare")}
            label = "SQLite (WAL)"
        else:
            from tests.support.postgres import PostgresServer

            server = PostgresServer().start()
            for name in ("intake", "bare"):
                subprocess.run(
                    ["psql", server.admin_dsn, "-qc", f"CREATE DATABASE bench_{name}"],
                    check=True, capture_output=True,
                )  # fmt: skip
            urls = {n: f"{server.url}/bench_{n}" for n in ("intake", "bare")}
            label = "PostgreSQL"
        bench = Bench(args, label, urls)
        try:
            bench.run()
            failed = failed or bool(bench.failures)
        finally:
            bench.stop()
            if server is not None:
                server.stop()
    print("FAIL" if failed else "PASS: every run consistent")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
