"""Four stand-in services built with the real `create_service_app` (so each has the real
`/v1/ops` endpoints, outbox, relay and consumer), wired like the platform:

intake      POST /submit records ApplicationSubmitted (a real request: traceparent and all)
eligibility ApplicationSubmitted -> EligibilityAssessed (eligible), or Poison for ids in `poison`
scoring     EligibilityAssessed -> PanelScored and FundingRecommended, unless held in `hold`
registry    nothing: its ops endpoints answer, with empty trails

The real services are being built alongside; these keep the operations tests about
operations, with real HTTP, a real broker and real databases.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from nic_operations.main import MIGRATIONS, create_app
from nic_operations.settings import OperationsSettings
from nic_shared import outbox
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.consumer import Poison, Subscription
from nic_shared.db import SessionDep, new_metadata
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import AssessedApplication, EligibilityAssessed, Outcome
from nic_shared.events.intake import ApplicationContent, ApplicationSubmitted, ContactPerson
from nic_shared.events.scoring import FundingOutcome, FundingRecommended, PanelScored
from nic_shared.events.specs import Scheme
from nic_shared.messaging_tables import define_messaging_tables
from nic_shared.settings import ServiceSettings
from tests.support.services import RunningService, serve, service_settings

ORG = "974760673"
CONTACT = ContactPerson(
    name="Kari Nordmann", email="kari.nordmann@example.no", phone="+47 912 34 567"
)
"""The submitted application's contact person: personal data operators must never see."""
SUBMITTED = ApplicationSubmitted.TYPE
PIPELINE = [SUBMITTED, EligibilityAssessed.TYPE, PanelScored.TYPE, FundingRecommended.TYPE]
"""One application's events, in the order the stand-in platform publishes them."""


class StandInSettings(ServiceSettings):
    port: int = 0
    ops_break_glass: bool = False
    """As operations has it (nic_shared.ops_access reads it from any service's settings)."""


@dataclass
class Behaviour:
    """Test toggles: which applications eligibility poisons and scoring holds back."""

    poison: set[str] = field(default_factory=set)
    hold: set[str] = field(default_factory=set)
    handled: list[str] = field(default_factory=list)


def submitted(application_id: str, call_id: str) -> ApplicationSubmitted:
    now = datetime.now(UTC)
    return ApplicationSubmitted(
        application_id=uuid.UUID(application_id),
        call_id=uuid.UUID(call_id),
        scheme=Scheme.INNOVASJONSRAMMEN,
        version=1,
        applicant_org_number=ORG,
        submitted_at=now,
        content=ApplicationContent(
            title="Grønn skipsfart", requested_amount_nok=500_000, contact_person=CONTACT
        ),
        content_sha256="0" * 64,
    )


class SubmitIn(BaseModel):
    application_id: str
    call_id: str


def _intake_router() -> APIRouter:
    router = APIRouter()

    @router.post("/submit", status_code=202)
    async def submit(body: SubmitIn, session: SessionDep) -> dict[str, str]:
        event = await outbox.record(session, submitted(body.application_id, body.call_id))
        return {"event_id": event.id}

    return router


def _eligibility(behaviour: Behaviour) -> list[Subscription[Any]]:
    async def on_submitted(
        session: AsyncSession, item: ApplicationSubmitted, event: CloudEvent, _ctx: Any
    ) -> None:
        behaviour.handled.append(event.id)
        if str(item.application_id) in behaviour.poison:
            raise Poison("no rule set for this call")
        await outbox.record(
            session,
            EligibilityAssessed(
                assessment_id=uuid.uuid4(),
                application_id=item.application_id,
                call_id=item.call_id,
                version=item.version,
                outcome=Outcome.ELIGIBLE,
                rule_results=[],
                assessed_at=datetime.now(UTC),
                application=AssessedApplication(
                    title=item.content.title,
                    applicant_org_number=item.applicant_org_number,
                    requested_amount_nok=item.content.requested_amount_nok or 0,
                    submitted_at=item.submitted_at,
                ),
            ),
        )

    return [Subscription(ApplicationSubmitted, on_submitted)]


def _scoring(behaviour: Behaviour) -> list[Subscription[Any]]:
    async def on_assessed(
        session: AsyncSession, item: EligibilityAssessed, event: CloudEvent, _ctx: Any
    ) -> None:
        if str(item.application_id) in behaviour.hold:
            return  # the panel has not scored it yet
        now = datetime.now(UTC)
        await outbox.record(
            session,
            PanelScored(
                application_id=item.application_id,
                call_id=item.call_id,
                marks=[],
                weighted_total=Decimal("5.2"),
                passed_thresholds=True,
                by_consensus=True,
                scored_at=now,
            ),
        )
        await outbox.record(
            session,
            FundingRecommended(
                application_id=item.application_id,
                call_id=item.call_id,
                ranking_version=1,
                outcome=FundingOutcome.RECOMMENDED,
                rank=1,
                recommended_amount_nok=item.application.requested_amount_nok,
                recommended_at=now,
            ),
        )

    return [Subscription(EligibilityAssessed, on_assessed)]


async def _schema(url: str) -> None:
    metadata = new_metadata()
    define_messaging_tables(metadata)  # ops_audit included
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()


async def stand_in(
    name: str, url: str, broker: str, prefix: str, behaviour: Behaviour, **overrides: Any
) -> FastAPI:
    await _schema(url)
    metadata = new_metadata()
    tables = define_messaging_tables(metadata)
    settings = StandInSettings(
        service_name=name, **(service_settings(broker, url, prefix) | overrides)
    )
    routers, consumes, subscriptions = [], [], []
    if name == "intake":
        routers = [_intake_router()]
    elif name == "eligibility":
        consumes, subscriptions = ["nic.intake"], _eligibility(behaviour)
    elif name == "scoring":
        consumes, subscriptions = ["nic.eligibility"], _scoring(behaviour)
    return create_service_app(
        ServiceSpec(
            settings=settings,
            title=f"stand-in {name}",
            description="A stand-in for operations tests.",
            tables=tables,
            routers=routers,
            consumes=consumes,
            subscriptions=subscriptions,
        )
    )


@dataclass
class Platform:
    services: dict[str, RunningService]
    operations: RunningService
    behaviour: Behaviour
    prefix: str


def operations_settings(
    broker: str, url: str, prefix: str, urls: dict[str, str], **overrides: Any
) -> OperationsSettings:
    values = service_settings(broker, url, prefix) | {
        "service_urls": urls,
        "allow_private_webhook_targets": True,
        "allow_http_webhook_targets": True,
        "webhook_backoff_s": [0.3],
        "webhook_poll_interval_s": 0.2,
        "stream_keepalive_s": 1.0,
    }
    return OperationsSettings(**(values | overrides))


@contextlib.asynccontextmanager
async def platform(
    broker: str,
    new_database: Any,
    prefix: str,
    stand_in_overrides: dict[str, Any] | None = None,
    **operations_overrides: Any,
) -> AsyncIterator[Platform]:
    """The four stand-ins and the real operations service, all served over real HTTP."""
    behaviour = Behaviour()
    async with contextlib.AsyncExitStack() as stack:
        running: dict[str, RunningService] = {}
        for name in ("intake", "eligibility", "scoring", "registry"):
            url = await new_database(name, None)
            app = await stand_in(name, url, broker, prefix, behaviour, **(stand_in_overrides or {}))
            running[name] = await stack.enter_async_context(serve(app))
        url = await new_database("operations", MIGRATIONS)
        settings = operations_settings(
            broker,
            url,
            prefix,
            {name: s.base_url for name, s in running.items()},
            **operations_overrides,
        )
        operations = await stack.enter_async_context(serve(create_app(settings)))
        yield Platform(running, operations, behaviour, prefix)
