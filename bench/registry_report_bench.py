"""Benchmark the programme report (not a test): 300 clusters and 30 000 memberships.

Builds the registry in a temporary SQLite database (and in PostgreSQL with --postgres-url,
a server URL; the bench creates and drops its own database there), then times the
programme report for a year (the six aggregate queries plus the JSON body, the CSV and the
XLSX) and prints the median and worst of --runs runs against the one-second budget.

    .venv/bin/python bench/registry_report_bench.py [--runs 7] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLUSTERS, MEMBERS_EACH, ACTIVITIES_EACH, GRANTS = 300, 100, 20, 600
LEVELS = ("arena", "arena_pro", "gce")
REGIONS = ("Innlandet", "Vestland", "Nordland", "Viken", "Trøndelag", "Agder")
ACTORS = ("established_company", "startup", "capital", "research", "education", "public")
AREAS = ("competence", "innovation_collaboration", "mobilisation", "international_market_positions")


async def populate(url: str, seed: int = 7) -> None:
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine

    from nic_registry.models import Base

    t = Base.metadata.tables
    rng = random.Random(seed)
    now = datetime.now(UTC)
    keys = [f"SE:{i:010d}" for i in range(12_000)]
    orgs = [
        {
            "key": k,
            "country": "SE",
            "foreign_id": k[3:],
            "name": f"Org {k}",
            "bankrupt": False,
            "winding_up": False,
            "deleted": False,
            "nace_codes": [],
            "research_declared": False,
            "source": "manual",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for k in keys
    ]
    rows: dict[str, list[dict[str, Any]]] = {
        "clusters": [],
        "cluster_periods": [],
        "memberships": [],
        "activities": [],
    }
    for i in range(CLUSTERS):
        cid = uuid.uuid4()
        rows["clusters"].append(
            {
                "id": cid,
                "name": f"Klynge {i}",
                "facilitator_org_number": "974760673",
                "region": REGIONS[i % len(REGIONS)],
                "focus_areas": [],
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        rows["cluster_periods"].append(
            {
                "id": uuid.uuid4(),
                "cluster_id": cid,
                "kind": "level",
                "level": LEVELS[i % 3],
                "valid_from": date(2020, 1, 1),
                "valid_to": None,
                "created_at": now,
            }
        )
        for key in rng.sample(keys, MEMBERS_EACH):
            start = date(2018 + rng.randint(0, 6), 1 + rng.randint(0, 11), 1)
            rows["memberships"].append(
                {
                    "id": uuid.uuid4(),
                    "cluster_id": cid,
                    "organisation_key": key,
                    "actor_type": rng.choice(ACTORS),
                    "valid_from": start,
                    "valid_to": date(start.year + 1, 12, 31) if rng.random() < 0.2 else None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for _ in range(ACTIVITIES_EACH):
            rows["activities"].append(
                {
                    "id": uuid.uuid4(),
                    "cluster_id": cid,
                    "activity_date": date(2024, 1, 1) + timedelta(days=rng.randint(0, 365)),
                    "title": "Samling",
                    "activity_type": rng.choice(AREAS),
                    "participant_count": rng.randint(5, 80),
                    "participant_organisations": [],
                    "created_at": now,
                }
            )
    calls = [uuid.uuid4() for _ in range(12)]
    rows["granted_decisions"] = [
        {
            "decision_id": uuid.uuid4(),
            "decision_version": 1,
            "application_id": uuid.uuid4(),
            "call_id": rng.choice(calls),
            "scheme": "innovasjonsrammen",
            "cluster_id": None,
            "admission": None,
            "amount_nok": rng.randint(1, 30) * 100_000,
            "decided_at": datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 364)),
        }
        for _ in range(GRANTS)
    ]
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(t["organisations"]), orgs)
        for table, batch in rows.items():
            for first in range(0, len(batch), 2000):
                await conn.execute(insert(t[table]), batch[first : first + 2000])
    await engine.dispose()


async def bench(name: str, url: str, runs: int) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from nic_registry.main import MIGRATIONS
    from nic_registry.programme import exports
    from nic_registry.programme.service import programme_report
    from nic_shared import migrations

    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    await populate(url)
    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine)
    timings: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        async with sessions() as session:
            report = await programme_report(session, date(2024, 1, 1), date(2024, 12, 31))
        exports.to_csv(report)
        exports.to_xlsx(report)
        timings.append(time.perf_counter() - began)
    await engine.dispose()
    median, worst = statistics.median(timings), max(timings)
    members = sum(report.members_by_actor_type.values())
    print(
        f"[{name}] {CLUSTERS} clusters, {CLUSTERS * MEMBERS_EACH} memberships "
        f"({members} running at year end): programme report median {median * 1000:.0f} ms, "
        f"worst {worst * 1000:.0f} ms over {runs} runs -> "
        f"{'PASS' if worst < 1.0 else 'FAIL'} (budget 1000 ms)"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await bench("sqlite", f"sqlite+aiosqlite:///{folder}/registry.db", args.runs)
    if args.postgres_url:
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        db = f"bench_report_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(f"{args.postgres_url}/postgres", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{db}"'))
        try:
            await bench("postgresql", f"{args.postgres_url}/{db}", args.runs)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE "{db}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres-url", help="postgresql+asyncpg://user@host:port")
    asyncio.run(main(parser.parse_args()))
