"""The deadline rush: an open-model load of submissions against the whole platform, then
consistency checks from the databases and the topics.

    .venv/bin/python bench/deadline_rush.py [--postgres] [--peak 32] [--steps 8] [--ramp 90]
                                            [--after 30] [--timeout 2] [--seed 1]

1. Starts the platform the way `make run` does (deploy/run.py: migrations, then the Tansu
   broker and the four services under honcho) into a temporary data folder on free ports:
   SQLite by default; with --postgres a throw-away PostgreSQL server
   (tests/support/postgres.py) holding one database per service.
2. Registers a cluster with member companies and one bankrupt company in the registry,
   publishes a circular value chains call whose deadline is a few minutes ahead (the
   attachment part is dropped by a per-call override unless --attachments), and
   pre-creates every draft the load will submit, as their applicants. About 1 in 10
   includes the bankrupt company, so eligibility has both outcomes to give.
3. Measures a bare FastAPI endpoint doing one insert into the same database (the intake
   database) with the same stepped open-model load, to give the platform's figure a
   yardstick from the same machine in the same run.
4. The rush: Poisson arrivals on a clock, scheduled in --steps steps rising to --peak
   submissions per second over the last --ramp seconds before the deadline; no arrival
   waits for a response. Each submit carries an Idempotency-Key; the client times out
   after --timeout seconds, and 5 % of the clients retry with the same key on a timeout.
   It keeps sending for --after seconds past the deadline (first-time submissions of
   spare drafts and new-key resubmissions), all of which must be refused.
5. Waits for eligibility, then checks, reading the databases (read-only) and consuming
   `nic.intake` and `nic.eligibility` from the start (counting messages, not offsets):
   every 2xx receipt has exactly one stored version and one ApplicationSubmitted; no
   version was received at or after the deadline; every submitted application has exactly
   one current eligibility decision (and one EligibilityAssessed); every late request was
   refused with 409 urn:nic:problem:deadline-passed.

Prints the figures per step, submissions/s accepted, p50/p95/p99 submit latency,
submit-to-decision p50/p99, the highest step rate held with p99 < 1 s and no timeouts,
that rate over the bare endpoint's, and a last line PASS or FAIL with the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from aiokafka import AIOKafkaConsumer  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine  # noqa: E402

from demo.platform import Platform  # noqa: E402
from nic_eligibility.models import AssessmentRow  # noqa: E402
from nic_intake.domain.templates import terms_for  # noqa: E402
from nic_intake.models import Application, ApplicationVersion  # noqa: E402
from nic_shared import orgnr  # noqa: E402
from nic_shared.devtoken import mint  # noqa: E402
from nic_shared.events import CloudEvent  # noqa: E402
from nic_shared.events.eligibility import EligibilityAssessed  # noqa: E402
from nic_shared.events.intake import ApplicationSubmitted  # noqa: E402
from nic_shared.events.specs import Scheme  # noqa: E402
from tests.support.environment import platform_environ  # noqa: E402
from tests.support.ports import free_port, wait_for_port  # noqa: E402

OSLO_TZ = "Europe/Oslo"
DEADLINE_PROBLEM = "urn:nic:problem:deadline-passed"
P99_LIMIT_S = 1.0
RETRY_SHARE = 0.05
OFFICER = {"Authorization": f"Bearer {mint(roles=['programme_officer'], subject='rush')}"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- data -------------------------------------------------------------------------------


def org_numbers(count: int, seed: int) -> list[str]:
    rng, found = random.Random(seed), list[str]()
    while len(found) < count:
        first = f"9{rng.randint(0, 9_999_999):07d}"
        digit = orgnr.check_digit(first)
        if digit is not None and first + str(digit) not in found:
            found.append(first + str(digit))
    return found


@dataclass
class Population:
    companies: list[str]
    bankrupt: str
    facilitator: str

    def content(self, n: int) -> tuple[str, dict[str, Any]]:
        """The owner and a complete circular draft; 1 in 10 has the bankrupt partner."""
        k = len(self.companies)
        owner, b, c = (self.companies[(n + i * 7) % k] for i in range(3))
        if n % 10 == 9:
            c = self.bankrupt
        partners = [(owner, "owner"), (b, "partner"), (c, "partner")]
        return owner, {
            "title": f"Rush-prosjekt {n}",
            "summary": "Industriell symbiose: restvarme og slagg blir råvare.",
            "project_start": "2027-01-01",
            "project_end": "2028-12-31",
            "project_owner": owner,
            "partners": [
                {"org_number": o, "name": f"Bedrift {o} AS", "role": r} for o, r in partners
            ],
            "contact_person": {"name": "Kari Nordmann", "email": "kari@example.no"},
            "budget": [
                {"category": "personnel", "year": y, "partner": o, "amount_nok": 550_000}
                for o, _ in partners
                for y in (2027, 2028)
            ],
            "requested_amount_nok": 1_500_000,
            "objectives": ["industrial_symbiosis"],
            "aid_basis": "gber_27",
            "implementation_plan": "Fase 1: kartlegging. Fase 2: pilot. Fase 3: spredning.",
        }


def applicant(org: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(roles=['applicant'], org=org, subject=f'u-{org}')}"}


async def register(client: httpx.AsyncClient, population: Population) -> None:
    async def organisation(org: str, **extra: Any) -> None:
        body = {
            "org_number": org,
            "name": f"Bedrift {org} AS",
            "org_form_code": "AS",
            "sector_code": "2100",
            "registered_in_foretaksregisteret": True,
            "headcount_awu": 20,
            "turnover_nok": 30_000_000,
            "balance_sheet_nok": 15_000_000,
            "figures_year": 2024,
            **extra,
        }
        response = await client.post("/v1/organisations", json=body, headers=OFFICER)
        assert response.status_code in (201, 409), response.text

    await asyncio.gather(
        *(organisation(o) for o in population.companies),
        organisation(population.bankrupt, bankrupt=True),
        organisation(population.facilitator),
    )
    cluster = await client.post(
        "/v1/clusters",
        json={"name": "Rushklyngen", "facilitator_org_number": population.facilitator},
        headers=OFFICER,
    )
    cluster_id = cluster.json()["id"]
    level = {"level": "arena", "valid_from": "2021-01-01"}
    await client.post(f"/v1/clusters/{cluster_id}/levels", json=level, headers=OFFICER)
    rows = ["org_number,foreign_country,foreign_id,name,actor_type,valid_from,valid_to"]
    rows += [
        f"{o},,,Bedrift {o} AS,established_company,2022-01-01,"
        for o in [*population.companies, population.bankrupt]
    ]
    imported = await client.post(
        f"/v1/clusters/{cluster_id}/members/import",
        content="\r\n".join(rows).encode(),
        headers={**OFFICER, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text


async def publish_call(
    intake: httpx.AsyncClient, eligibility: httpx.AsyncClient, deadline: datetime, attachments: bool
) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    oslo = deadline.astimezone(ZoneInfo(OSLO_TZ)).replace(tzinfo=None)
    parts = list(terms_for(Scheme.CIRCULAR_VALUE_CHAINS).required_parts)
    body: dict[str, Any] = {
        "code": f"RUSH-{uuid.uuid4().hex[:8].upper()}",
        "scheme": "circular_value_chains",
        "title": {"nb": "Fristrushet", "en": "The deadline rush"},
        "description": {"nb": "Benk", "en": "Bench"},
        "opens_at_local": (oslo - timedelta(days=30)).isoformat(timespec="seconds"),
        "deadline_local": oslo.isoformat(timespec="seconds"),
        "budget_frame_nok": 100_000_000,
    }
    if not attachments:
        body["overrides"] = {
            "required_parts": [p for p in parts if not p.startswith("attachment:")]
        }
    created = await intake.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    call = (await intake.post(f"/v1/calls/{created.json()['id']}/publish", headers=OFFICER)).json()
    for _ in range(300):
        known = await eligibility.get(f"/v1/calls/{call['id']}/rule-set", headers=OFFICER)
        if known.status_code == 200:
            return dict(call)
        await asyncio.sleep(0.1)
    raise RuntimeError("eligibility never learned of the call")


async def make_drafts(
    intake: httpx.AsyncClient, call_id: str, population: Population, count: int, attachments: bool
) -> list[tuple[str, str]]:
    """(application id, owner org) for `count` complete drafts, 16 at a time."""
    gate = asyncio.Semaphore(16)

    async def one(n: int) -> tuple[str, str]:
        owner, content = population.content(n)
        who = applicant(owner)
        async with gate:
            made = await intake.post(
                "/v1/applications", json={"call_id": call_id, "content": content}, headers=who
            )
            assert made.status_code == 201, made.text
            app_id = made.json()["id"]
            if attachments:
                upload = await intake.post(
                    f"/v1/applications/{app_id}/attachments",
                    params={"kind": "partner_goals_and_motivation", "filename": "m.pdf"},
                    content=b"%PDF-1.7 " + b"x" * 2000,
                    headers={**who, "Content-Type": "application/pdf"},
                )
                assert upload.status_code == 201, upload.text
        return app_id, owner

    return list(await asyncio.gather(*(one(n) for n in range(count))))


# --- the open-model load ------------------------------------------------------------------


@dataclass
class Arrival:
    at: float
    """Seconds after the load's start."""
    step: int
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    retries: bool = False
    late: bool = False
    application_id: str = ""
    key: str = ""


@dataclass
class Outcome:
    arrival: Arrival
    sent_at: float
    """Monotonic time the first attempt went out."""
    latency_s: float
    """Of the first attempt (the timeout when it timed out)."""
    status: int | None
    """The final answer's status; None when every attempt timed out."""
    problem_type: str | None = None
    receipt: dict[str, Any] | None = None
    attempts: int = 1
    first_timed_out: bool = False
    first_sent_before_deadline: bool = True
    connection_error: bool = False
    """The first attempt failed on the connection rather than by timing out."""


def schedule(rates: list[float], step_s: float, rng: random.Random) -> list[tuple[float, int]]:
    """Poisson arrival times: (seconds from start, step index) at each step's rate."""
    arrivals: list[tuple[float, int]] = []
    for step, rate in enumerate(rates):
        t, end = step * step_s, (step + 1) * step_s
        while rate > 0:
            t += rng.expovariate(rate)
            if t >= end:
                break
            arrivals.append((t, step))
    return arrivals


async def drive(
    client: httpx.AsyncClient, arrivals: list[Arrival], timeout_s: float, deadline_mono: float
) -> list[Outcome]:
    """Fire every arrival at its time, never waiting for earlier ones (open model)."""
    start = time.monotonic()
    outcomes: list[Outcome] = []

    async def send(arrival: Arrival) -> None:
        sent = time.monotonic()
        attempts, first_latency, timed_out, broken = 0, 0.0, False, False
        while True:
            attempts += 1
            began = time.monotonic()
            try:  # httpx's timeout bounds each phase (pool, connect, write, read)
                response = await client.post(
                    arrival.path, json=arrival.body, headers=arrival.headers, timeout=timeout_s
                )
            except httpx.TransportError as exc:  # a timeout, or the connection failed
                if attempts == 1:
                    first_latency, timed_out = time.monotonic() - began, True
                    broken = not isinstance(exc, httpx.TimeoutException)
                if arrival.retries and attempts < 4:
                    await asyncio.sleep(0.2 * attempts)
                    continue
                outcomes.append(
                    Outcome(arrival, sent, first_latency, None, attempts=attempts,
                            first_timed_out=True, first_sent_before_deadline=sent < deadline_mono,
                            connection_error=broken)
                )  # fmt: skip
                return
            if attempts == 1:
                first_latency = time.monotonic() - began
            problem = None
            if response.headers.get("content-type", "").startswith("application/problem+json"):
                problem = response.json().get("type")
            outcomes.append(
                Outcome(
                    arrival,
                    sent,
                    first_latency,
                    response.status_code,
                    problem,
                    response.json() if response.status_code == 201 else None,
                    attempts,
                    timed_out,
                    sent < deadline_mono,
                    broken,
                )
            )
            return

    tasks: list[asyncio.Task[None]] = []
    for arrival in arrivals:
        delay = start + arrival.at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(arrival)))
    await asyncio.gather(*tasks)
    return outcomes


@dataclass
class StepFigures:
    rate: float
    sent: int
    ok: int
    p50: float
    p99: float
    timeouts: int
    errors: int

    @property
    def held(self) -> bool:
        return self.sent > 0 and self.p99 < P99_LIMIT_S and self.timeouts == 0 and self.errors == 0


def at_the_line(outcome: Outcome) -> bool:
    """Refused because it reached intake at or after the deadline: right, not an error."""
    return outcome.status == 409 and outcome.problem_type == DEADLINE_PROBLEM


def per_step(outcomes: list[Outcome], rates: list[float], ok_status: int) -> list[StepFigures]:
    figures = []
    for step, rate in enumerate(rates):
        mine = [o for o in outcomes if o.arrival.step == step]
        latencies = [o.latency_s for o in mine]
        figures.append(
            StepFigures(
                rate,
                len(mine),
                sum(1 for o in mine if o.status == ok_status),
                quantile(latencies, 0.5),
                quantile(latencies, 0.99),
                sum(1 for o in mine if o.first_timed_out),
                sum(1 for o in mine if o.status not in (ok_status, None) and not at_the_line(o)),
            )
        )
    return figures


def held_rate(figures: list[StepFigures]) -> float:
    """The highest step rate held before the first step that was not held."""
    best = 0.0
    for step in figures:
        if not step.held:
            break
        best = step.rate
    return best


# --- the bare endpoint ----------------------------------------------------------------------

BARE_APP = """
import os
from contextlib import asynccontextmanager
from typing import Any
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

app = FastAPI(lifespan=lifespan)

@app.post("/bare", status_code=201)
async def bare(body: Body) -> dict[str, str]:
    async with db.transaction() as session:
        await session.execute(insert(rows).values(body=body.content))
    return {"status": "ok"}
"""


async def measure_bare(
    database_url: str, workdir: Path, rates: list[float], step_s: float, timeout_s: float, seed: int
) -> list[StepFigures]:
    (workdir / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    env = {
        **platform_environ(),
        "BENCH_DB": database_url,
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT / "shared")]),
    }
    server = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await asyncio.to_thread(wait_for_port, port, 30)
        _, body = Population(["910000004"], "910000004", "910000004").content(0)
        rng = random.Random(seed)
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
        figures: list[StepFigures] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as c:
            for _ in range(20):
                await c.post("/bare", json={"confirm": True, "content": body})
            for rate in rates:  # one step at a time; stop at the first not held
                arrivals = [
                    Arrival(t, 0, "/bare", {"confirm": True, "content": body}, {})
                    for t, _ in schedule([rate], step_s, rng)
                ]
                outcomes = await drive(c, arrivals, timeout_s, float("inf"))
                figures += per_step(outcomes, [rate], 201)
                if not figures[-1].held:
                    break
        return figures
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- after: the databases and the topics --------------------------------------------------


def read_only(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        return create_async_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    return create_async_engine(url, pool_size=1)


async def stored_versions(url: str, call_id: uuid.UUID) -> list[tuple[str, int, datetime]]:
    engine = read_only(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(
                    ApplicationVersion.application_id,
                    ApplicationVersion.version,
                    ApplicationVersion.submitted_at,
                )
                .join(Application, Application.id == ApplicationVersion.application_id)
                .where(Application.call_id == call_id)
            )
            return [(str(a), v, at) for a, v, at in rows]
    finally:
        await engine.dispose()


async def current_assessments(url: str, call_id: uuid.UUID) -> list[tuple[str, int, datetime]]:
    engine = read_only(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(AssessmentRow.application_id, AssessmentRow.version, AssessmentRow.assessed_at)
                .where(AssessmentRow.call_id == call_id, AssessmentRow.current.is_(True))
            )  # fmt: skip
            return [(str(a), v, at) for a, v, at in rows]
    finally:
        await engine.dispose()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[Any, int]) -> bool:
    for tp, end in ends.items():
        if end and await consumer.position(tp) < end:
            return True
    return False


async def topic_events(bootstrap: str, topic: str, call_id: str) -> list[CloudEvent]:
    """Every message on the topic from the start, read to its end offsets; the call's only."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False, fetch_max_wait_ms=50,
    )  # fmt: skip
    await consumer.start()
    found: list[CloudEvent] = []
    try:
        partitions = set()
        for _ in range(100):
            partitions = consumer.assignment()
            if partitions:
                break
            await asyncio.sleep(0.1)
        ends = await consumer.end_offsets(list(partitions))
        async with asyncio.timeout(120):
            while await _behind(consumer, ends):
                batch = await consumer.getmany(timeout_ms=200, max_records=5000)
                for records in batch.values():
                    for record in records:
                        if record.value is None:
                            continue
                        event = CloudEvent.from_bytes(record.value)
                        if event.data.get("call_id") == call_id:
                            found.append(event)
    finally:
        await consumer.stop()
    return found


# --- the run ------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    lines: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=dict)


async def rush(args: argparse.Namespace, platform: Platform, workdir: Path, label: str) -> Result:
    result = Result(label)
    rng = random.Random(args.seed)
    step_s = args.ramp / args.steps
    rates = [args.peak * (k + 1) / args.steps for k in range(args.steps)]
    plan = schedule(rates, step_s, rng)
    late_rate = args.late_rate if args.late_rate is not None else args.peak / 2
    late_plan = schedule([late_rate], args.after, rng)
    spare = min(len(late_plan) // 2, 300)
    drafts_needed = len(plan) + spare
    urls = platform.urls
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=400)
    async with (
        httpx.AsyncClient(base_url=urls.registry, timeout=30) as registry,
        httpx.AsyncClient(base_url=urls.intake, timeout=60, limits=limits) as intake,
        httpx.AsyncClient(base_url=urls.eligibility, timeout=30) as eligibility,
    ):
        numbers = org_numbers(42, args.seed)
        population = Population(numbers[:40], numbers[40], numbers[41])
        await register(registry, population)
        bare_s = 5 * args.bare_step
        prep_s = args.prep if args.prep is not None else 15 + drafts_needed / 50 + bare_s
        deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(
            seconds=round(prep_s + args.ramp)
        )
        call = await publish_call(intake, eligibility, deadline, args.attachments)
        deadline = datetime.fromisoformat(call["deadline"])
        log(f"{label}: call {call['code']} published, deadline {call['deadline_oslo']} Oslo")
        drafts = await make_drafts(intake, call["id"], population, drafts_needed, args.attachments)
        log(f"{label}: {len(drafts)} drafts ready")

        bare_rates = [25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 200.0, 300.0]
        bare = await measure_bare(
            platform.database_url("intake"), workdir, bare_rates, args.bare_step, args.timeout,
            args.seed,
        )  # fmt: skip
        bare_held = held_rate(bare)
        log(f"{label}: bare endpoint held {bare_held:.0f}/s")

        to_ramp = (deadline - datetime.now(UTC)).total_seconds() - args.ramp
        if to_ramp < 0:
            raise RuntimeError(
                f"preparation overran the ramp's start by {-to_ramp:.0f}s; raise --prep"
            )
        log(f"{label}: {to_ramp:.0f}s until the ramp starts ({len(plan)} submissions planned)")
        await asyncio.sleep(to_ramp)

        retry_rng = random.Random(args.seed + 1)
        arrivals = []
        for (t, step), (app_id, owner) in zip(plan, drafts, strict=False):
            key = uuid.uuid4().hex
            arrivals.append(
                Arrival(
                    t, step, f"/v1/applications/{app_id}/submit", {"confirm": True},
                    {**applicant(owner), "Idempotency-Key": key},
                    retries=retry_rng.random() < RETRY_SHARE, application_id=app_id, key=key,
                )
            )  # fmt: skip
        spares = drafts[len(plan) :]
        for n, (t, _) in enumerate(late_plan):
            app_id, owner = (
                spares[n // 2] if n % 2 == 0 and n // 2 < len(spares) else drafts[n % len(plan)]
            )
            key = uuid.uuid4().hex
            arrivals.append(
                Arrival(
                    args.ramp + t, args.steps, f"/v1/applications/{app_id}/submit",
                    {"confirm": True}, {**applicant(owner), "Idempotency-Key": key},
                    retries=retry_rng.random() < RETRY_SHARE, late=True, application_id=app_id,
                    key=key,
                )
            )  # fmt: skip
        deadline_mono = time.monotonic() + (deadline - datetime.now(UTC)).total_seconds()
        log(f"{label}: ramp to {args.peak:g}/s in {args.steps} steps of {step_s:.0f}s, "
            f"then {args.after:g}s past the deadline at {late_rate:g}/s")  # fmt: skip
        cpu_before, wall_before = os.times(), time.monotonic()
        outcomes = await drive(intake, arrivals, args.timeout, deadline_mono)
        cpu_after, wall = os.times(), time.monotonic() - wall_before
        client_cpu = (
            cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system
        ) / wall
        log(f"{label}: load done; waiting for eligibility")

    call_uuid = uuid.UUID(call["id"])
    on_time = [o for o in outcomes if not o.arrival.late]
    late = [o for o in outcomes if o.arrival.late]
    receipts = {
        (o.receipt["application_id"], o.receipt["version"]): o for o in outcomes if o.receipt
    }
    versions: list[tuple[str, int, datetime]] = []
    assessed: list[tuple[str, int, datetime]] = []
    wait_until = time.monotonic() + args.drain
    while True:
        versions = await stored_versions(platform.database_url("intake"), call_uuid)
        assessed = await current_assessments(platform.database_url("eligibility"), call_uuid)
        if len({a for a, _, _ in assessed}) >= len({a for a, _, _ in versions}):
            break
        if time.monotonic() > wait_until:
            break
        await asyncio.sleep(1)
    drained_at = time.monotonic()
    submitted = await topic_events(platform.bootstrap, "nic.intake", call["id"])
    decided = await topic_events(platform.bootstrap, "nic.eligibility", call["id"])

    # The figures.
    ok = [o for o in on_time if o.status == 201]
    latencies = [o.latency_s for o in on_time]
    steps = per_step(on_time, rates, 201)
    held = held_rate(steps)
    version_at = {(a, v): at for a, v, at in versions}
    decisions = {(a, v): at for a, v, at in assessed}
    to_decision = [
        (decisions[k] - version_at[k]).total_seconds() for k in version_at if k in decisions
    ]
    out = result.lines
    out.append(f"\n{label}: rush to {args.peak:g}/s over {args.ramp:g}s, timeout {args.timeout:g}s")
    out.append(f"{'step':>4} {'rate/s':>7} {'sent':>5} {'201':>5} {'p50 ms':>7} {'p99 ms':>7} "
               f"{'t/o':>4} {'other':>5}  held")  # fmt: skip
    for n, s in enumerate(steps):
        out.append(
            f"{n + 1:>4} {s.rate:>7.1f} {s.sent:>5} {s.ok:>5} {s.p50 * 1000:>7.0f} "
            f"{s.p99 * 1000:>7.0f} {s.timeouts:>4} {s.errors:>5}  {'yes' if s.held else 'no'}"
        )
    out.append(
        "bare insert (same database): "
        + ", ".join(f"{s.rate:.0f}/s p99 {s.p99 * 1000:.0f} ms{'' if s.held else ' (not held)'}" for s in bare)
    )  # fmt: skip
    line = sum(1 for o in on_time if at_the_line(o))
    out.append(f"submissions accepted: {len(ok)} in {args.ramp:g}s = {len(ok) / args.ramp:.1f}/s "
               f"(of {len(on_time)} sent before the deadline; {line} reached intake after it "
               "and were refused at the line)")  # fmt: skip
    out.append(f"submit latency (first attempt): p50 {quantile(latencies, 0.5) * 1000:.0f} ms, "
               f"p95 {quantile(latencies, 0.95) * 1000:.0f} ms, p99 {quantile(latencies, 0.99) * 1000:.0f} ms")  # fmt: skip
    out.append(f"submit to eligibility decision: p50 {quantile(to_decision, 0.5):.2f} s, "
               f"p99 {quantile(to_decision, 0.99):.2f} s; the last decision "
               f"{(max(decisions.values(), default=deadline) - deadline).total_seconds():.1f} s "
               "after the deadline")  # fmt: skip
    ratio = held / bare_held if bare_held else float("nan")
    top = "" if bare_held < bare[-1].rate else " (its highest step: a lower bound)"
    peak_top = " (the highest step: a lower bound)" if held >= rates[-1] else ""
    out.append(f"peak held with p99 < 1 s: {held:.1f}/s{peak_top}; bare insert held "
               f"{bare_held:.0f}/s{top}; ratio {ratio:.2f}")  # fmt: skip
    out.append(f"load client (this process, httpx): {client_cpu:.2f} of one core over the "
               f"{wall:.0f}s of load; machine load average {os.getloadavg()[0]:.1f} "
               f"on {os.cpu_count()} cores")  # fmt: skip
    retried = [o for o in outcomes if o.attempts > 1]
    out.append(f"no answer: {sum(o.first_timed_out for o in outcomes)} first attempts "
               f"({sum(o.connection_error for o in outcomes)} of them connection errors); "
               f"{len(retried)} retried with the same key, {sum(1 for o in retried if o.status == 201)} "
               f"then got their receipt")  # fmt: skip

    # The checks.
    f = result.failures
    per_version = Counter((a, v) for a, v, _ in versions)
    for receipt in receipts:
        if per_version[receipt] != 1:
            f["receipt without exactly one stored version"] += 1
    per_app = Counter(a for a, _, _ in versions)
    f["application with more than one version"] = sum(1 for n in per_app.values() if n > 1)
    f["version received at or after the deadline"] = sum(1 for *_, at in versions if at >= deadline)
    events = Counter(
        (e.data["application_id"], e.data["version"])
        for e in submitted
        if e.type == ApplicationSubmitted.TYPE
    )
    distinct: dict[tuple[str, int], set[str]] = {}
    for e in submitted:
        if e.type == ApplicationSubmitted.TYPE:
            distinct.setdefault((e.data["application_id"], e.data["version"]), set()).add(e.id)
    for receipt in receipts:
        if len(distinct.get(receipt, ())) != 1:
            f["receipt without exactly one ApplicationSubmitted event"] += 1
    for stored in per_version:
        if len(distinct.get(stored, ())) != 1:
            f["stored version without exactly one ApplicationSubmitted event"] += 1
    # The same event on the topic twice: at-least-once delivery (the consumers dedupe it),
    # but the promise is one message per submission, so it counts.
    f["ApplicationSubmitted message repeated (same event id)"] = sum(
        events[k] - len(ids) for k, ids in distinct.items()
    )
    current = Counter(a for a, _, _ in assessed)
    for app_id in per_app:
        if current[app_id] != 1:
            f["submitted application without exactly one current decision"] += 1
    assessed_events = Counter(
        (e.data["application_id"], e.data["version"])
        for e in decided
        if e.type == EligibilityAssessed.TYPE
    )
    for stored in per_version:
        if assessed_events[stored] != 1:
            f["stored version without exactly one EligibilityAssessed"] += 1
    for o in late:  # a timed-out one has no answer; the stored versions show it got none
        if o.status is not None and not at_the_line(o):
            f["late request not refused with deadline-passed"] += 1
    for o in on_time:
        if o.status not in (201, None) and not (
            o.status == 409 and o.problem_type == DEADLINE_PROBLEM
        ):
            f["on-time request answered other than 201 or deadline-passed"] += 1
    result.counts = {
        "receipts": len(receipts),
        "versions": len(versions),
        "ApplicationSubmitted": sum(events.values()),
        "decisions": len(assessed),
        "EligibilityAssessed": sum(assessed_events.values()),
        "late refused": sum(1 for o in late if o.status == 409 and o.problem_type == DEADLINE_PROBLEM),
        "late sent": len(late),
        "late unanswered (client timeout)": sum(1 for o in late if o.status is None),
        "stored without client receipt": len(set(per_version) - set(receipts)),
    }  # fmt: skip
    outcomes_by = Counter(o.status for o in outcomes)
    out.append(f"answers: {dict(sorted(outcomes_by.items(), key=lambda kv: str(kv[0])))}; "
               f"checked {drained_at - deadline_mono:.0f}s after the deadline")  # fmt: skip
    out.append("counts: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    out.append(
        "checks: " + ", ".join(f"{k} {v}" for k, v in f.items() if v) if +f else "checks: all zero"
    )
    return result


async def start_postgres_databases() -> tuple[Any, dict[str, str]]:
    import asyncpg

    from tests.support.postgres import PostgresServer

    server = await asyncio.to_thread(PostgresServer().start)
    conn = await asyncpg.connect(server.admin_dsn)
    try:
        for name in ("intake", "eligibility", "scoring", "registry"):
            await conn.execute(f'CREATE DATABASE "nic_{name}"')
    finally:
        await conn.close()
    urls = {n: f"{server.url}/nic_{n}" for n in ("intake", "eligibility", "scoring", "registry")}
    return server, urls


async def run(args: argparse.Namespace) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix="nic-rush-"))
    server = None
    database_urls: dict[str, str] = {}
    label = "SQLite"
    if args.postgres:
        server, database_urls = await start_postgres_databases()
        label = "PostgreSQL"
    platform = Platform(workdir / "platform", database_urls=database_urls)
    try:
        began = time.monotonic()
        await asyncio.to_thread(platform.start)
        log(f"{label}: platform up in {time.monotonic() - began:.0f}s (deploy/run.py, {workdir})")
        return await rush(args, platform, workdir, label)
    finally:
        await asyncio.to_thread(platform.stop)
        if server is not None:
            await asyncio.to_thread(server.stop)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL")
    parser.add_argument("--peak", type=float, default=32, help="submissions/s in the last step")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument(
        "--ramp", type=float, default=90, help="seconds of ramp before the deadline"
    )
    parser.add_argument("--after", type=float, default=30, help="seconds of sending after it")
    parser.add_argument("--late-rate", type=float, default=None, help="default: peak / 2")
    parser.add_argument("--timeout", type=float, default=2.0, help="client timeout, seconds")
    parser.add_argument("--prep", type=float, default=None, help="seconds before the ramp")
    parser.add_argument("--bare-step", type=float, default=4.0, help="seconds per bare step")
    parser.add_argument("--drain", type=float, default=180, help="max wait for decisions")
    parser.add_argument("--attachments", action="store_true", help="keep the attachment part")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.monotonic()
    with contextlib.suppress(KeyboardInterrupt):
        result = asyncio.run(run(args))
        print("\n".join(result.lines))
        print(f"(whole run {time.monotonic() - began:.0f}s)")
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        bad = sum(result.failures.values())
        print(f"{'PASS' if not bad else 'FAIL'} {result.label}: {counts}; {bad} inconsistencies")
        return 0 if not bad else 1
    return 130


if __name__ == "__main__":
    raise SystemExit(main())
