"""Eligibility: how fast the pure engine decides, and how long an event takes to a decision.

    .venv/bin/python bench/eligibility_bench.py [--engine-inputs 20000] [--events 500] [--rate 100]

1. The pure engine: `assess()` over many generated inputs (Innovasjonsrammen and circular
   value chains, 2-12 partners with random sizes, sectors, memberships and budgets), no I/O.
   Prints assessments/s and the outcome mix.
2. Event to decision through the broker: starts Tansu (tests/support/broker.py), a stand-in
   for the registry's POST /v1/facts (real HTTP, tests/eligibility/stand_in.py) and the
   eligibility service (uvicorn, one worker, a temp SQLite database); publishes a call, then
   produces ApplicationSubmitted events at a steady rate and reads nic.eligibility until every
   EligibilityAssessed has appeared. Latency = decision seen on the topic - submission sent,
   so it includes the consumer hop, the facts request, the transaction and the relay hop.
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
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "shared"), str(ROOT / "services" / "eligibility")]

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402

from nic_eligibility.domain import AssessmentInput, assess, facts_date  # noqa: E402
from nic_eligibility.main import MIGRATIONS, create_app  # noqa: E402
from nic_eligibility.settings import EligibilitySettings  # noqa: E402
from nic_shared.contracts.registry_facts import (  # noqa: E402
    ClusterFacts,
    ClusterLevel,
    FactsResponse,
    NicStatus,
    OrganisationFacts,
    Sector,
    SmeClass,
)
from nic_shared.events import CloudEvent, new_event  # noqa: E402
from nic_shared.events.eligibility import EligibilityAssessed  # noqa: E402
from nic_shared.events.intake import (  # noqa: E402
    AidBasis,
    ApplicationContent,
    BudgetLine,
    Partner,
    PartnerRole,
)
from tests.eligibility.stand_in import (  # noqa: E402
    CIRCULAR,
    CLUSTER_ID,
    FACILITATOR,
    INNOVASJONSRAMMEN,
    FactsStandIn,
    call_published,
    innovasjonsrammen_content,
    org_numbers,
    submitted,
)
from tests.support.broker import Broker  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.support.services import auth, migrate, serve, service_settings  # noqa: E402

ORGS = org_numbers(94_000_000, 400)
SECTORS = [Sector.PRIVATE_COMPANY] * 12 + [Sector.PUBLIC_MUNICIPAL, Sector.NONPROFIT_FOUNDATION]
SIZES = [SmeClass.MICRO, SmeClass.SMALL, SmeClass.MEDIUM, SmeClass.LARGE]
SUBMITTED = datetime(2023, 8, 30, 10, 0, tzinfo=UTC)
DEADLINE = datetime(2023, 9, 1, 14, 0, tzinfo=UTC)


def generated_input(rng: random.Random) -> AssessmentInput:
    spec = rng.choice([INNOVASJONSRAMMEN, CIRCULAR])
    keys = rng.sample(ORGS, rng.randint(2, 12))
    partners, budget, orgs = [], [], []
    for index, key in enumerate(keys):
        partners.append(
            Partner(
                org_number=key,
                name=f"Bedrift {key}",
                role=PartnerRole.OWNER if index == 0 else PartnerRole.PARTNER,
                de_minimis_headroom_nok=rng.choice([None, 300_000, 2_000_000]),
            )
        )
        budget.append(
            BudgetLine(
                category="personnel",
                year=2024,
                partner=key,
                amount_nok=rng.randrange(100_000, 1_500_000, 1000),
            )
        )
        orgs.append(
            OrganisationFacts(
                key=key,
                known=rng.random() > 0.01,
                sector=rng.choice(SECTORS),
                sme_class=rng.choice(SIZES),
                registered_in_foretaksregisteret=rng.random() > 0.05,
                parent_org_number=rng.choice([None, None, None, ORGS[-1]]),
                member_of_current_or_former_nic_cluster=rng.random() > 0.3,
                bankrupt=rng.random() < 0.01,
            )
        )
    total = sum(line.amount_nok for line in budget)
    content = ApplicationContent(
        title="Generert",
        project_owner=keys[0],
        cluster_id=CLUSTER_ID,
        partners=partners,
        budget=budget,
        requested_amount_nok=rng.randint(total // 4, total * 3 // 5),
        objectives=rng.choice([[], ["industrial_symbiosis"]]),
        aid_basis=rng.choice([AidBasis.DE_MINIMIS, AidBasis.GBER_25, AidBasis.GBER_29]),
    )
    cluster = ClusterFacts(
        cluster_id=CLUSTER_ID,
        name="Klynge",
        facilitator_org_number=FACILITATOR,
        level=ClusterLevel.ARENA,
        nic_status=NicStatus.ACTIVE,
        base_support=rng.random() > 0.1,
        nce_brand=False,
        formerly_nce=False,
        mature_qualified=False,
    )
    as_of: date = facts_date(spec, submitted_at=SUBMITTED, deadline=DEADLINE)
    return AssessmentInput(
        content=content,
        applicant_org_number=keys[0],
        submitted_at=SUBMITTED,
        deadline=DEADLINE,
        rule_set=spec,
        facts=FactsResponse(as_of=as_of, organisations=orgs, cluster=cluster),
    )


def engine(count: int) -> None:
    rng = random.Random(5)
    inputs = [generated_input(rng) for _ in range(count)]
    for data in inputs[:200]:  # warm up
        assess(data)
    started = time.perf_counter()
    outcomes = Counter(assess(data).outcome.value for data in inputs)
    elapsed = time.perf_counter() - started
    mix = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    print(f"engine: {count} assessments in {elapsed:.2f} s = {count / elapsed:,.0f} assessments/s")
    print(f"        outcomes: {mix}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latency(events: int, rate: float) -> None:
    broker = Broker().start()
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/eligibility.db"
            await migrate(MIGRATIONS, url)
            facts = FactsStandIn()
            await facts.start()
            settings = EligibilitySettings(
                **service_settings(broker.bootstrap, url, prefix),
                registry_url=facts.url,
                log_level="ERROR",
            )
            try:
                async with serve(create_app(settings)) as service:
                    await _measure(service, broker.bootstrap, prefix, events, rate)
            finally:
                await facts.stop()
    finally:
        broker.stop()


async def _measure(service: Any, bootstrap: str, prefix: str, events: int, rate: float) -> None:
    intake_topic, decisions_topic = f"{prefix}nic.intake", f"{prefix}nic.eligibility"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    reader = AIOKafkaConsumer(
        decisions_topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await producer.start()
    await reader.start()
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}

    async def send(payload: Any) -> None:
        event = new_event(payload, source="/nic/intake")
        await producer.send_and_wait(
            intake_topic,
            value=event.model_dump_json(exclude_none=True).encode(),
            key=event.subject.encode(),
        )

    async def read(until: float) -> None:
        while len(seen) < events and time.monotonic() < until:
            batches = await reader.getmany(timeout_ms=50)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    event = CloudEvent.from_bytes(record.value)
                    if event.type == EligibilityAssessed.TYPE and event.subject in sent:
                        seen.setdefault(event.subject, now)

    await _timed_prepare(service.app)
    try:
        call = call_published(deadline=datetime.now(UTC) + timedelta(days=30))
        await send(call)
        officer = auth("programme_officer")
        for _ in range(400):
            got = await service.client.get(f"/v1/calls/{call.call_id}/rule-set", headers=officer)
            if got.status_code == 200:
                break
            await asyncio.sleep(0.05)
        reading = asyncio.create_task(read(time.monotonic() + 60 + events / rate))
        started = time.monotonic()
        for n in range(events):
            payload = submitted(
                call.call_id,
                innovasjonsrammen_content(),
                submitted_at=datetime.now(UTC),
            )
            sent[str(payload.application_id)] = time.monotonic()
            await send(payload)
            await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.monotonic()))
        await reading
    finally:
        await producer.stop()
        await reader.stop()
    metrics = (await service.client.get("/metrics")).text
    handling = _histogram_mean(metrics, "nic_event_handling_seconds", "application.submitted")
    prepare = PREPARE_S
    lat = [(seen[k] - sent[k]) * 1000 for k in seen]
    if not lat:
        print("latency: no decisions seen")
        return
    print(
        f"event to decision: {len(lat)}/{events} decided at {rate:.0f} events/s; "
        f"p50 {statistics.median(lat):.1f} ms, p99 {percentile(lat, 99):.1f} ms, "
        f"max {max(lat):.1f} ms"
    )
    if prepare:
        print(
            f"        per event: {handling * 1000:.1f} ms handling in the consumer, of which "
            f"{statistics.mean(prepare) * 1000:.1f} ms prepare (facts over HTTP)"
        )


PREPARE_S: list[float] = []


async def _timed_prepare(app: Any) -> None:
    """Wrap the submission's prepare step to time it (the facts request and term lookup)."""
    for _ in range(200):
        if getattr(app.state, "consumer", None) is not None:
            break
        await asyncio.sleep(0.05)
    subscription = app.state.consumer.handlers["no.nic.application.submitted.v1"]
    original = subscription.prepare

    async def timed(payload: Any, event: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(payload, event)
        finally:
            PREPARE_S.append(time.perf_counter() - started)

    object.__setattr__(subscription, "prepare", timed)


def _histogram_mean(text: str, name: str, label: str) -> float:
    total = count = 0.0
    for line in text.splitlines():
        if label not in line:
            continue
        if line.startswith(f"{name}_sum"):
            total = float(line.rsplit(" ", 1)[1])
        elif line.startswith(f"{name}_count"):
            count = float(line.rsplit(" ", 1)[1])
    return total / count if count else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine-inputs", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100.0, help="submissions per second")
    args = parser.parse_args()
    engine(args.engine_inputs)
    asyncio.run(latency(args.events, args.rate))


if __name__ == "__main__":
    free_port()  # fail early on a machine without loopback
    main()
