"""A stand-in for the registry's POST /v1/facts on a real port, and event helpers.

The stand-in answers the shared FactsResponse contract, checks the bearer token like the
registry will (scope `registry:read`), and can be stopped and started again on the same
port, so a test can show that no decision is made while the registry is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt
import uvicorn
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI, Header, HTTPException

from nic_shared import orgnr
from nic_shared.contracts.registry_facts import (
    ActorType,
    ClusterFacts,
    ClusterLevel,
    FactsQuery,
    FactsResponse,
    MembershipFact,
    NicStatus,
    OrganisationFacts,
    Sector,
    SmeClass,
)
from nic_shared.events import CloudEvent, EventPayload, new_event
from nic_shared.events.intake import (
    ApplicationContent,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    BudgetLine,
    CallPublished,
    Partner,
    PartnerRole,
)
from nic_shared.events.specs import Criterion, LocalText, RuleSetSpec, Scale, ScoringSchemeSpec
from tests.support.ports import free_port, wait_for_port
from tests.support.services import TEST_JWT_SECRET


def org_numbers(start: int, count: int) -> list[str]:
    numbers: list[str] = []
    base = start
    while len(numbers) < count:
        digit = orgnr.check_digit(str(base))
        if digit is not None:
            numbers.append(f"{base}{digit}")
        base += 1
    return numbers


ORG = org_numbers(92_000_000, 30)
FACILITATOR = ORG[0]
CLUSTER_ID = uuid.UUID("00000000-0000-4000-8000-0000000000c1")


class PortServer:
    """Serve an app with uvicorn on a fixed port in this event loop; stop and start again on
    the same port (the caller's configured URL stays right across a restart)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, app: FastAPI) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        for _ in range(400):
            if self._server.started:
                break
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.025)
        await asyncio.to_thread(wait_for_port, self.port)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await asyncio.wait_for(self._task, timeout=15)
        self._server = self._task = None


class FactsStandIn:
    """Facts for any key: a known, active private SME member of the asked cluster, unless
    `orgs[key]` says otherwise; foreign keys (`CC:id`) are unknown to Brønnøysund."""

    def __init__(self, secret: str = TEST_JWT_SECRET, port: int | None = None) -> None:
        self.secret = secret
        self.server = PortServer(port)
        self.orgs: dict[str, dict[str, Any]] = {}
        self.cluster: dict[str, Any] = {}
        self.queries: list[FactsQuery] = []

    @property
    def url(self) -> str:
        return self.server.url

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/facts", response_model=FactsResponse)
        async def facts(
            query: FactsQuery, authorization: str | None = Header(default=None)
        ) -> FactsResponse:
            self._check(authorization)
            self.queries.append(query)
            return self.answer(query)

        return app

    def _check(self, authorization: str | None) -> None:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401)
        try:
            claims = jwt.decode(
                authorization[7:],
                self.secret,
                algorithms=["HS256"],
                audience="nic-platform",
                issuer="nic-dev",
            )
        except jwt.PyJWTError as exc:
            raise HTTPException(401) from exc
        if "registry:read" not in str(claims.get("scope", "")).split():
            raise HTTPException(403)

    def answer(self, query: FactsQuery) -> FactsResponse:
        organisations = [self.organisation(key, query) for key in query.organisations]
        cluster = None
        if query.cluster_id is not None:
            cluster = ClusterFacts.model_validate(
                {
                    "cluster_id": query.cluster_id,
                    "name": "Testklyngen",
                    "facilitator_org_number": FACILITATOR,
                    "level": ClusterLevel.ARENA,
                    "nic_status": NicStatus.ACTIVE,
                    "base_support": True,
                    "nce_brand": False,
                    "formerly_nce": False,
                    "mature_qualified": False,
                    **self.cluster,
                }
            )
        return FactsResponse(as_of=query.as_of, organisations=organisations, cluster=cluster)

    def organisation(self, key: str, query: FactsQuery) -> OrganisationFacts:
        if ":" in key:
            base: dict[str, Any] = {"key": key, "known": False, "sector": Sector.UNKNOWN}
        else:
            memberships = []
            if query.cluster_id is not None:
                memberships.append(
                    MembershipFact(
                        cluster_id=query.cluster_id,
                        cluster_name="Testklyngen",
                        actor_type=ActorType.ESTABLISHED_COMPANY,
                        valid_from=date(2020, 1, 1),
                        valid_to=None,
                        member_at_date=True,
                        cluster_status_at_date=NicStatus.ACTIVE,
                    )
                )
            base = {
                "key": key,
                "known": True,
                "name": f"Bedrift {key}",
                "org_form": "AS",
                "sector": Sector.PRIVATE_COMPANY,
                "sme_class": SmeClass.SMALL,
                "registered_in_foretaksregisteret": True,
                "memberships": memberships,
                "member_of_current_or_former_nic_cluster": True,
            }
        return OrganisationFacts.model_validate({**base, **self.orgs.get(key, {})})

    async def start(self) -> None:
        await self.server.start(self.app())

    async def stop(self) -> None:
        await self.server.stop()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FactsStandIn]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()


# -- events ------------------------------------------------------------------------------

INNOVASJONSRAMMEN = RuleSetSpec(
    name="innovasjonsrammen",
    parameters={
        "min_companies": 2,
        "max_grant_nok": 300_000,
        "max_aid_intensity_percent": 50,
        "min_sme_share_percent": 50,
    },
)
CIRCULAR = RuleSetSpec(
    name="circular_value_chains",
    parameters={
        "min_companies": 3,
        "grant_min_nok": 1_000_000,
        "grant_max_nok": 2_500_000,
        "max_aid_intensity_percent": 50,
    },
)
SCORING = ScoringSchemeSpec(
    criteria=[Criterion(id="quality", name=LocalText(nb="Kvalitet", en="Quality"), weight=100)],
    scale=Scale(min=Decimal(1), max=Decimal(7), step=Decimal(1)),
)
DEADLINE = datetime(2030, 9, 1, 14, 0, tzinfo=UTC)  # 16:00 Oslo time


def call_published(
    call_id: uuid.UUID | None = None,
    rule_set: RuleSetSpec = INNOVASJONSRAMMEN,
    deadline: datetime = DEADLINE,
) -> CallPublished:
    scheme = "innovasjonsrammen" if rule_set.name == "innovasjonsrammen" else rule_set.name
    return CallPublished.model_validate(
        {
            "call_id": call_id or uuid.uuid4(),
            "code": f"TEST-{uuid.uuid4().hex[:6]}",
            "scheme": scheme,
            "title_nb": "Testutlysning",
            "title_en": "Test call",
            "opens_at": deadline - timedelta(days=60),
            "deadline": deadline,
            "budget_frame_nok": 10_000_000,
            "grant_min_nok": None,
            "grant_max_nok": 300_000,
            "max_aid_intensity_percent": 50,
            "required_parts": [],
            "rule_set": rule_set,
            "scoring_scheme": SCORING,
        }
    )


def innovasjonsrammen_content(
    applicant: str = ORG[1], partner: str = ORG[2], requested: int = 300_000, **changes: Any
) -> ApplicationContent:
    """Two SME companies, 300,000 of 600,000: eligible on the stand-in's default facts."""
    return ApplicationContent.model_validate(
        {
            "title": "Sensorer for havbruk",
            "project_owner": applicant,
            "cluster_id": CLUSTER_ID,
            "partners": [
                Partner(org_number=applicant, name="Eier AS", role=PartnerRole.OWNER),
                Partner(org_number=partner, name="Partner AS", role=PartnerRole.PARTNER),
            ],
            "budget": [
                BudgetLine(category="personnel", year=2030, partner=applicant, amount_nok=300_000),
                BudgetLine(category="personnel", year=2030, partner=partner, amount_nok=300_000),
            ],
            "requested_amount_nok": requested,
            **changes,
        }
    )


def circular_content(applicant: str = ORG[1], requested: int = 900_000) -> ApplicationContent:
    """Three registered companies, de minimis; 900,000 is below the call's range (soft)."""
    others = [ORG[3], ORG[4]]
    keys = [applicant, *others]
    return ApplicationContent.model_validate(
        {
            "title": "Sirkulær verdikjede",
            "project_owner": applicant,
            "cluster_id": CLUSTER_ID,
            "partners": [
                Partner(
                    org_number=k,
                    name=f"Bedrift {k}",
                    role=PartnerRole.OWNER if k == applicant else PartnerRole.PARTNER,
                    de_minimis_headroom_nok=1_000_000,
                )
                for k in keys
            ],
            "budget": [
                BudgetLine(category="personnel", year=2030, partner=k, amount_nok=1_000_000)
                for k in keys
            ],
            "requested_amount_nok": requested,
            "objectives": ["industrial_symbiosis"],
            "aid_basis": "de_minimis",
        }
    )


def submitted(
    call_id: uuid.UUID,
    content: ApplicationContent,
    *,
    application_id: uuid.UUID | None = None,
    version: int = 1,
    applicant: str = ORG[1],
    submitted_at: datetime | None = None,
    scheme: str = "innovasjonsrammen",
) -> ApplicationSubmitted:
    return ApplicationSubmitted.model_validate(
        {
            "application_id": application_id or uuid.uuid4(),
            "call_id": call_id,
            "scheme": scheme,
            "version": version,
            "applicant_org_number": applicant,
            "submitted_at": submitted_at or DEADLINE - timedelta(days=2),
            "content": content,
            "content_sha256": "0" * 64,
        }
    )


def withdrawn(submission: ApplicationSubmitted) -> ApplicationWithdrawn:
    return ApplicationWithdrawn(
        application_id=submission.application_id,
        call_id=submission.call_id,
        reason="Vi trekker søknaden.",
        withdrawn_at=DEADLINE - timedelta(days=1),
    )


def envelope(payload: EventPayload) -> CloudEvent:
    return new_event(payload, source="/nic/intake")


async def produce(bootstrap: str, topic: str, *payloads: EventPayload) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for payload in payloads:
            event = envelope(payload)
            await producer.send_and_wait(
                topic,
                value=event.model_dump_json(exclude_none=True).encode(),
                key=event.subject.encode(),
            )
    finally:
        await producer.stop()


class TopicReader:
    """Reads every event of a topic from the start (no group), by type."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=20,
        )
        self.events: list[CloudEvent] = []

    async def __aenter__(self) -> TopicReader:
        await self.consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def poll(self, timeout_ms: int = 200) -> list[CloudEvent]:
        batches = await self.consumer.getmany(timeout_ms=timeout_ms)
        new = [CloudEvent.from_bytes(r.value) for rs in batches.values() for r in rs]
        self.events.extend(new)
        return new

    def of_type(self, type_name: str) -> list[CloudEvent]:
        return [e for e in self.events if e.type == type_name]

    async def wait_for(
        self, type_name: str, count: int = 1, timeout_s: float = 30.0
    ) -> list[CloudEvent]:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while loop.time() < end:
            await self.poll()
            found = self.of_type(type_name)
            if len(found) >= count:
                return found
        raise AssertionError(
            f"{count} x {type_name} never appeared; saw {len(self.of_type(type_name))}"
        )
