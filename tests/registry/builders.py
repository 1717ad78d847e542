"""Helpers for the registry's API tests: callers, clusters, members, the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from nic_shared import orgnr
from tests.support.services import auth


class Clock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def officer() -> dict[str, str]:
    return auth("programme_officer")


def manager(cluster_id: str) -> dict[str, str]:
    return auth("cluster_manager", cluster=cluster_id)


def applicant(org: str = "988077917") -> dict[str, str]:
    return auth("applicant", org=org)


def machine(*scopes: str) -> dict[str, str]:
    return auth(scopes=list(scopes))


def org_numbers(count: int, start: int = 10_000_000) -> list[str]:
    """`count` valid organisation numbers (MOD11), deterministic."""
    numbers: list[str] = []
    base = start
    while len(numbers) < count:
        first = f"{base:08d}"
        digit = orgnr.check_digit(first)
        if digit is not None:
            numbers.append(first + str(digit))
        base += 1
    return numbers


async def new_cluster(
    client: httpx.AsyncClient, name: str = "Arena Tre", **fields: Any
) -> dict[str, Any]:
    body = {"name": name, "facilitator_org_number": "974760673", **fields}
    response = await client.post("/v1/clusters", json=body, headers=officer())
    assert response.status_code == 201, response.text
    return dict(response.json())


async def add_level(
    client: httpx.AsyncClient, cluster_id: str, level: str, start: str, end: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/v1/clusters/{cluster_id}/levels",
        json={"level": level, "valid_from": start, "valid_to": end},
        headers=officer(),
    )


async def add_member(
    client: httpx.AsyncClient,
    cluster_id: str,
    org_number: str,
    actor_type: str = "established_company",
    start: str = "2023-01-01",
    end: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "org_number": org_number,
        "name": f"Org {org_number}",
        "actor_type": actor_type,
        "valid_from": start,
    }
    if end is not None:
        body["valid_to"] = end
    return await client.post(
        f"/v1/clusters/{cluster_id}/members", json=body, headers=headers or officer()
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
