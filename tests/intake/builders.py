"""Builders for intake API tests: calls, drafts, attachments, and reading the outbox."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.services import auth

OWNER = "910000004"
PARTNER_B = "910000012"
PARTNER_C = "910000020"
OTHER_ORG = "910000039"
CLUSTER_A = "11111111-1111-4111-8111-111111111111"
CLUSTER_B = "22222222-2222-4222-8222-222222222222"

OFFICER = auth("programme_officer")


def applicant(org: str = OWNER) -> dict[str, str]:
    return auth("applicant", org=org, subject=f"user-{org}")


@dataclass
class Clock:
    """The server's clock as the tests set it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 12, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def circular_content() -> dict[str, Any]:
    """Everything the circular value chains call requires, except the attachment."""
    return {
        "title": "Industriell symbiose i Grenland",
        "summary": "Restvarme og slagg fra tre bedrifter blir råvare for hverandre.",
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
            {"category": "personnel", "year": 2027, "partner": OWNER, "amount_nok": 1_000_000},
            {"category": "personnel", "year": 2027, "partner": PARTNER_B, "amount_nok": 800_000},
            {"category": "services", "year": 2028, "partner": PARTNER_C, "amount_nok": 700_000},
        ],
        "requested_amount_nok": 1_200_000,
        "objectives": ["industrial_symbiosis"],
        "aid_basis": "gber_29",
        "implementation_plan": "Fase 1: kartlegging. Fase 2: pilot.",
    }


def inno_content(cluster: str) -> dict[str, Any]:
    return {
        "title": "Sensorbasert vedlikehold",
        "summary": "To SMB-er modner en idé.",
        "project_start": "2027-01-01",
        "project_end": "2027-12-31",
        "project_owner": OWNER,
        "partners": [
            {"org_number": OWNER, "name": "Eier AS", "role": "owner", "declared_sme": True},
            {"org_number": PARTNER_B, "name": "B AS", "role": "partner", "declared_sme": True},
        ],
        "contact_person": {"name": "Ola Nordmann", "email": "ola@example.no"},
        "cluster_id": cluster,
        "budget": [
            {"category": "personnel", "year": 2027, "partner": OWNER, "amount_nok": 300_000},
            {"category": "personnel", "year": 2027, "partner": PARTNER_B, "amount_nok": 300_000},
        ],
        "requested_amount_nok": 300_000,
    }


async def open_call(
    client: httpx.AsyncClient,
    *,
    scheme: str = "circular_value_chains",
    deadline_local: str = "2026-12-01T16:00:00",
    opens_local: str = "2026-01-05T09:00:00",
) -> dict[str, Any]:
    body = {
        "code": f"C-{uuid.uuid4().hex[:8].upper()}",
        "scheme": scheme,
        "title": {"nb": "Utlysning", "en": "Call"},
        "description": {"nb": "Beskrivelse", "en": "Description"},
        "opens_at_local": opens_local,
        "deadline_local": deadline_local,
        "budget_frame_nok": 25_000_000,
    }
    created = await client.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    published = await client.post(f"/v1/calls/{created.json()['id']}/publish", headers=OFFICER)
    assert published.status_code == 200, published.text
    return dict(published.json())


async def draft(
    client: httpx.AsyncClient, call_id: str, content: dict[str, Any], org: str = OWNER
) -> dict[str, Any]:
    response = await client.post(
        "/v1/applications", json={"call_id": call_id, "content": content}, headers=applicant(org)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def attach(
    client: httpx.AsyncClient,
    application_id: str,
    kind: str,
    data: bytes = b"%PDF-1.7 test",
    org: str = OWNER,
    content_type: str = "application/pdf",
) -> httpx.Response:
    return await client.post(
        f"/v1/applications/{application_id}/attachments",
        params={"kind": kind, "filename": f"{kind}.pdf"},
        content=data,
        headers={**applicant(org), "Content-Type": content_type},
    )


async def complete_circular(client: httpx.AsyncClient, call_id: str, org: str = OWNER) -> str:
    app = await draft(client, call_id, circular_content(), org)
    uploaded = await attach(client, app["id"], "partner_goals_and_motivation", org=org)
    assert uploaded.status_code == 201, uploaded.text
    return str(app["id"])


async def submit(
    client: httpx.AsyncClient,
    application_id: str,
    key: str | None = None,
    org: str = OWNER,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    headers = applicant(org)
    headers["Idempotency-Key"] = key or uuid.uuid4().hex
    return await client.post(
        f"/v1/applications/{application_id}/submit",
        json=body if body is not None else {"confirm": True},
        headers=headers,
    )


async def outbox_events(database_url: str, event_type: str | None = None) -> list[dict[str, Any]]:
    """Event envelopes in the outbox table, oldest first."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT event_type, payload FROM outbox ORDER BY id"))
            ).all()
    finally:
        await engine.dispose()
    return [json.loads(r.payload) for r in rows if event_type is None or r.event_type == event_type]


async def scalar(database_url: str, sql: str) -> Any:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql))).scalar()
    finally:
        await engine.dispose()
