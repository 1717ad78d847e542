"""Scoring under test: a fresh migrated database (SQLite and PostgreSQL), real HTTP, no
broker; consumed events are fed to the handlers directly, each in its own transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from nic_scoring.consumers import (
    on_assessed,
    on_call_published,
    on_overridden,
    on_submitted,
    on_withdrawn,
)
from nic_scoring.main import MIGRATIONS, create_app
from nic_scoring.settings import ScoringSettings
from nic_shared.events import EventPayload, new_event
from nic_shared.events.eligibility import (
    AssessedApplication,
    EligibilityAssessed,
    EligibilityOverridden,
    Outcome,
)
from nic_shared.events.intake import ApplicationSubmitted, ApplicationWithdrawn, CallPublished
from nic_shared.events.specs import (
    Criterion,
    LocalText,
    RuleSetSpec,
    Scale,
    Scheme,
    ScoringSchemeSpec,
)
from tests.support.ports import free_port
from tests.support.services import auth, serve, service_settings

OFFICER = auth("programme_officer", subject="officer-1")
DEADLINE = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
WEIGHTS = {"strategy_anchoring": 25, "novelty": 35, "sustainability": 20, "ability_to_deliver": 20}
ORGS = ["910000004", "910000012", "910000020", "910000039", "910000047", "910000055"]


def inno_scheme(**options: Any) -> ScoringSchemeSpec:
    return ScoringSchemeSpec(
        criteria=[
            Criterion(id=cid, name=LocalText(nb=cid, en=cid), weight=w)
            for cid, w in WEIGHTS.items()
        ],
        scale=Scale(min=Decimal(1), max=Decimal(7), step=Decimal(1)),
        tie_break=options.pop("tie_break", ["novelty", "strategy_anchoring"]),
        **options,
    )


def marks(*four: int | str, comment: str | None = None) -> list[dict[str, Any]]:
    return [
        {"criterion_id": cid, "mark": m, "comment": comment}
        for cid, m in zip(WEIGHTS, four, strict=True)
    ]


def member_auth(member_id: str) -> dict[str, str]:
    return auth("panel_member", panel_member=member_id, subject=f"member-{member_id[:8]}")


@dataclass
class Scoring:
    app: FastAPI
    client: httpx.AsyncClient
    database_url: str

    async def feed(self, payload: EventPayload) -> None:
        handler = {
            CallPublished: on_call_published,
            EligibilityAssessed: on_assessed,
            EligibilityOverridden: on_overridden,
            ApplicationWithdrawn: on_withdrawn,
            ApplicationSubmitted: on_submitted,
        }[type(payload)]
        event = new_event(payload, source="/nic/test")
        async with self.app.state.db.transaction() as session:
            await handler(session, payload, event, None)  # type: ignore[operator]

    async def call(
        self, budget: int = 1_000_000, scheme: ScoringSchemeSpec | None = None, **kw: Any
    ) -> str:
        call_id = uuid.UUID(kw["call_id"]) if "call_id" in kw else uuid.uuid4()  # again: changed
        await self.feed(
            CallPublished(
                call_id=call_id,
                code=f"C-{call_id.hex[:6]}",
                scheme=kw.get("kind", Scheme.INNOVASJONSRAMMEN),
                title_nb="Utlysning",
                title_en="Call",
                opens_at=DEADLINE - timedelta(days=90),
                deadline=DEADLINE,
                budget_frame_nok=budget,
                grant_min_nok=None,
                grant_max_nok=300_000,
                max_aid_intensity_percent=50,
                required_parts=[],
                rule_set=RuleSetSpec(name="innovasjonsrammen"),
                scoring_scheme=scheme or inno_scheme(),
            )
        )
        return str(call_id)

    async def eligible(
        self,
        call_id: str,
        title: str = "Søknad",
        *,
        requested: int = 300_000,
        owner: str = ORGS[0],
        partners: tuple[str, ...] = (),
        cluster: str | None = None,
        minutes_before: int = 60,
        outcome: Outcome = Outcome.ELIGIBLE,
        application_id: str | None = None,
        version: int = 1,
    ) -> str:
        app_id = uuid.UUID(application_id) if application_id else uuid.uuid4()
        await self.feed(
            EligibilityAssessed(
                assessment_id=uuid.uuid4(),
                application_id=app_id,
                call_id=uuid.UUID(call_id),
                version=version,
                outcome=outcome,
                rule_results=[],
                assessed_at=DEADLINE + timedelta(days=1),
                application=AssessedApplication(
                    title=title,
                    applicant_org_number=owner,
                    partner_org_numbers=list(partners),
                    cluster_id=uuid.UUID(cluster) if cluster else None,
                    requested_amount_nok=requested,
                    submitted_at=DEADLINE - timedelta(minutes=minutes_before),
                ),
            )
        )
        return str(app_id)

    async def withdraw(self, call_id: str, application_id: str) -> None:
        await self.feed(
            ApplicationWithdrawn(
                application_id=uuid.UUID(application_id),
                call_id=uuid.UUID(call_id),
                reason="changed plans",
                withdrawn_at=DEADLINE + timedelta(days=2),
            )
        )

    async def panel(self, call_id: str, n: int = 1) -> str:
        body = {"call_id": call_id, "name": "Panel", "reviewers_per_application": n}
        created = await self.client.post("/v1/panels", json=body, headers=OFFICER)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    async def member(self, panel_id: str, name: str = "Reviewer", **body: Any) -> str:
        response = await self.client.post(
            f"/v1/panels/{panel_id}/members", json={"name": name, **body}, headers=OFFICER
        )
        assert response.status_code == 201, response.text
        return str(response.json()["member_id"])

    async def assign(self, panel_id: str, application_id: str, member_id: str) -> httpx.Response:
        return await self.client.post(
            f"/v1/panels/{panel_id}/assignments",
            json={"application_id": application_id, "member_id": member_id},
            headers=OFFICER,
        )

    async def submit(
        self, application_id: str, member_id: str, four: tuple[int, ...]
    ) -> httpx.Response:
        return await self.client.post(
            f"/v1/applications/{application_id}/reviews/mine/submit",
            json={"marks": marks(*four)},
            headers=member_auth(member_id),
        )

    async def scored(
        self, call_id: str, four: tuple[int, ...], panel_id: str, member: str, **kw: Any
    ) -> str:
        """An eligible application assigned to `member`, who submits `four`."""
        app_id = await self.eligible(call_id, **kw)
        assert (await self.assign(panel_id, app_id, member)).status_code == 201
        submitted = await self.submit(app_id, member, four)
        assert submitted.status_code == 200, submitted.text
        return app_id

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        engine = create_async_engine(self.database_url)
        try:
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(text("SELECT event_type, payload FROM outbox ORDER BY id"))
                ).all()
        finally:
            await engine.dispose()
        return [json.loads(r.payload)["data"] for r in rows if r.event_type == event_type]


def scoring_settings(url: str, **overrides: Any) -> ScoringSettings:
    settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.")
    settings.update(relay_backoff_max_s=0.5, **overrides)
    return ScoringSettings(**settings)


@pytest.fixture
async def scoring(new_database: Any) -> AsyncIterator[Scoring]:
    url = await new_database("scoring", MIGRATIONS)
    app = create_app(scoring_settings(url))
    async with serve(app, ready=False) as running:
        yield Scoring(app, running.client, url)
