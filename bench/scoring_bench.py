"""Scoring benchmark: ranking 100,000 applications, and review submissions per second.

Each figure is printed next to a bare baseline measured in the same run, as a ratio:
- ranking: `rank_applications` (validation, thresholds, tie-breaks, budget walk) against
  sorting the same 100,000 (total, id) tuples with `sorted`;
- submissions: POST .../reviews/mine/submit on the real scoring app (JWT, assignment and
  conflict checks, marks validation, review row, ReviewSubmitted in the outbox, PanelScored
  when the second reviewer submits) against a bare FastAPI endpoint that inserts the same
  body into a table of the same SQLite database, one transaction per request.
Both servers run in a child process (one uvicorn worker, as in production); the load
generator runs here with a fixed concurrency. No broker: the relay backs off quietly.

    .venv/bin/python bench/scoring_bench.py [--apps 2000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import random
import socket
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert

from nic_scoring import models
from nic_scoring.domain.marks import weighted_total
from nic_scoring.domain.ranking import ScoredApplication, rank_applications
from nic_scoring.main import MIGRATIONS, create_app
from nic_scoring.settings import ScoringSettings
from nic_shared import migrations
from nic_shared.db import Database, SessionDep
from nic_shared.devtoken import mint
from nic_shared.events.specs import Criterion, LocalText, Scale, ScoringSchemeSpec

SECRET = "bench-secret-" + "x" * 40
WEIGHTS = {"strategy_anchoring": 25, "novelty": 35, "sustainability": 20, "ability_to_deliver": 20}
SCHEME = ScoringSchemeSpec(
    criteria=[Criterion(id=c, name=LocalText(nb=c, en=c), weight=w) for c, w in WEIGHTS.items()],
    scale=Scale(min=Decimal(1), max=Decimal(7), step=Decimal(1)),
    tie_break=["novelty", "strategy_anchoring"],
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- ranking -------------------------------------------------------------------------------


def bench_ranking(n: int) -> tuple[float, float]:
    rng = random.Random(7)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    apps = []
    for i in range(n):
        marks = {c: Decimal(rng.randint(1, 7)) for c in WEIGHTS}
        apps.append(
            ScoredApplication(
                application_id=uuid.UUID(int=rng.getrandbits(128)),
                marks=marks,
                weighted_total=weighted_total(SCHEME, marks),
                requested_amount_nok=rng.choice([100_000, 200_000, 300_000]),
                submitted_at=start - timedelta(seconds=i),
                title=f"Application {i}",
            )
        )
    tuples = [(-a.weighted_total, str(a.application_id)) for a in apps]
    t0 = time.perf_counter()
    sorted(tuples)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranking = rank_applications(SCHEME, apps, budget_frame_nok=n * 100_000)
    full = time.perf_counter() - t0
    assert len(ranking.entries) == n
    return full, bare


# --- HTTP ----------------------------------------------------------------------------------

BODY = {"marks": [{"criterion_id": c, "mark": 5, "comment": "x" * 200} for c in WEIGHTS]}


class Baseline(BaseModel):
    marks: list[dict[str, Any]]


def baseline_app(url: str) -> FastAPI:
    from contextlib import asynccontextmanager

    meta = MetaData()
    table = Table(
        "bench_baseline",
        meta,
        Column("id", Integer, primary_key=True),
        Column("body", Text, nullable=False),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        app.state.db = Database(url, pool_size=1)
        yield
        await app.state.db.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.post("/insert/{key}")
    async def insert_one(key: str, body: Baseline, session: SessionDep) -> dict[str, str]:
        await session.execute(insert(table).values(body=body.model_dump_json()))
        return {"key": key}

    return app


def serve(kind: str, url: str, port: int) -> None:
    logging.disable(logging.ERROR)  # the relay's and consumer's "no broker" complaints
    if kind == "baseline":
        app = baseline_app(url)
    else:
        app = create_app(
            ScoringSettings(
                database_url=url,
                port=port,
                environment="test",
                jwt_secret=SECRET,
                kafka_bootstrap=f"127.0.0.1:{free_port()}",  # no broker: the relay backs off
                relay_backoff_max_s=5,
                consumer_backoff_max_s=5,
                log_level="WARNING",
            )
        )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def seed(url: str, apps: int) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """A call, a panel of two (N=2), `apps` eligible applications each assigned to both."""
    migrations.upgrade(MIGRATIONS, url)
    engine = create_engine(url.replace("+aiosqlite", ""))
    now = datetime.now(UTC)
    call_id, panel_id = uuid.uuid4(), uuid.uuid4()
    members = [uuid.uuid4(), uuid.uuid4()]
    app_ids = [uuid.uuid4() for _ in range(apps)]
    with engine.begin() as conn:
        conn.execute(
            insert(models.CallScheme.__table__).values(
                call_id=call_id,
                code="BENCH",
                scheme="innovasjonsrammen",
                deadline=now,
                budget_frame_nok=10**9,
                scoring_scheme=SCHEME.model_dump(mode="json"),
                updated_at=now,
            )
        )
        conn.execute(
            insert(models.Panel.__table__).values(
                id=panel_id,
                call_id=call_id,
                name="Bench",
                reviewers_per_application=2,
                created_by="bench",
                created_at=now,
            )
        )
        conn.execute(
            insert(models.PanelMember.__table__),
            [
                {
                    "panel_id": panel_id,
                    "member_id": m,
                    "name": f"M{i}",
                    "chair": False,
                    "org_numbers": [],
                    "cluster_ids": [],
                    "added_at": now,
                }
                for i, m in enumerate(members)
            ],
        )
        conn.execute(
            insert(models.ScoringApplication.__table__),
            [
                {
                    "id": a,
                    "call_id": call_id,
                    "status": "scorable",
                    "title": f"A{i}",
                    "applicant_org_number": "910000004",
                    "partner_org_numbers": ["910000012"],
                    "cluster_id": None,
                    "requested_amount_nok": 300_000,
                    "submitted_at": now,
                    "eligibility_version": 1,
                    "updated_at": now,
                }
                for i, a in enumerate(app_ids)
            ],
        )
        conn.execute(
            insert(models.Assignment.__table__),
            [
                {
                    "application_id": a,
                    "member_id": m,
                    "panel_id": panel_id,
                    "method": "auto",
                    "assigned_by": "bench",
                    "assigned_at": now,
                }
                for a in app_ids
                for m in members
            ],
        )
        Table(
            "bench_baseline",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("body", Text, nullable=False),
        ).create(conn)
    engine.dispose()
    return app_ids, members


async def load(port: int, requests: list[tuple[str, dict[str, str]]], concurrency: int) -> float:
    queue = list(reversed(requests))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for _ in range(200):
            try:
                if (await client.get("/docs")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)

        async def worker() -> None:
            while queue:
                path, headers = queue.pop()
                response = await client.post(path, json=BODY, headers=headers)
                assert response.status_code == 200, response.text

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(requests) / (time.perf_counter() - t0)


def measure(kind: str, url: str, requests: list[tuple[str, dict[str, str]]], conc: int) -> float:
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(target=serve, args=(kind, url, port))
    process.start()
    try:
        return asyncio.run(load(port, requests, conc))
    finally:
        process.terminate()
        process.join(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=100_000)
    parser.add_argument("--apps", type=int, default=1_500, help="submissions = 2 x apps")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    full, bare = bench_ranking(args.rank)
    print(
        f"rank {args.rank:,} applications: {full:.3f} s; bare sort of tuples {bare:.3f} s;"
        f" ratio {full / bare:.1f}x"
    )

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        app_ids, members = seed(url, args.apps)
        tokens = [
            {
                "Authorization": "Bearer "
                + mint(
                    roles=["panel_member"],
                    panel_member=str(m),
                    secret=SECRET,
                    audience="nic-platform",
                )
            }
            for m in members
        ]
        submits = [
            (f"/v1/applications/{a}/reviews/mine/submit", tokens[i])
            for i in range(2)
            for a in app_ids
        ]
        baseline = [(f"/insert/{n}", {}) for n in range(len(submits))]
        bare_rps = measure("baseline", url, baseline, args.concurrency)
        rps = measure("scoring", url, submits, args.concurrency)
    print(
        f"review submissions over HTTP (SQLite, {args.concurrency} concurrent):"
        f" {rps:,.0f}/s; bare insert endpoint {bare_rps:,.0f}/s; ratio {rps / bare_rps:.2f}"
    )


if __name__ == "__main__":
    main()
