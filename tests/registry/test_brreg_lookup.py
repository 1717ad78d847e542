"""The Brønnøysund client against a real local HTTP server serving responses of the real shape."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nic_registry.organisations.brreg_client import (
    _MAX_RETRY_AFTER_S,
    BrregClient,
    BrregUnavailable,
    _retry_after,
)
from tests.registry.builders import applicant, officer, outbox_events
from tests.support.services import serve

FIXTURES = Path(__file__).parent / "unit" / "fixtures"
EQUINOR, DELETED, REMOVED, UNKNOWN = "923609016", "995420678", "974760673", "988077917"
FLAKY, SLOW, BROKEN = "991825827", "983887457", "929616359"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def fake_brreg() -> tuple[Starlette, Counter[str]]:
    """Enhetsregisteret's `GET /enhetsregisteret/api/enheter/{orgnr}`, as it answers."""
    calls: Counter[str] = Counter()

    async def enhet(request: Request) -> Response:
        number = request.path_params["orgnr"]
        calls[number] += 1
        if number == EQUINOR:
            body = fixture("brreg_equinor_asa.json")
            body["etFeltSomIkkeFinnesEnnå"] = {"nested": [1, 2]}  # unknown fields are ignored
            return JSONResponse(body)
        if number == DELETED:
            return JSONResponse(fixture("brreg_deleted_enk.json"))
        if number == REMOVED:
            return JSONResponse(
                {"organisasjonsnummer": REMOVED, "slettedato": "2021-05-01"}, status_code=410
            )
        if number == FLAKY:
            if calls[number] == 1:
                return JSONResponse({"error": "busy"}, status_code=503)
            return JSONResponse(fixture("brreg_orgl.json"))
        if number == SLOW:
            await asyncio.sleep(2)
            return JSONResponse(fixture("brreg_equinor_asa.json"))
        if number == BROKEN:
            return Response("<html>oops</html>", status_code=500, media_type="text/html")
        return JSONResponse(
            {
                "timestamp": "2024-03-01T09:00:00.000+00:00",
                "status": 404,
                "error": "Not Found",
                "message": "Enheten finnes ikke",
            },
            status_code=404,
        )

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/enhetsregisteret/api/enheter/{orgnr}", enhet),
            Route("/healthz", healthz),
        ]
    )
    return app, calls


@pytest.fixture
async def brreg():
    app, calls = fake_brreg()
    async with serve(app, ready=False) as running:  # type: ignore[arg-type]
        running.calls = calls  # type: ignore[attr-defined]
        yield running


@pytest.fixture
async def client(brreg):
    client = BrregClient(brreg.base_url, timeout_s=0.3, retries=2, backoff_s=0.01)
    yield client
    await client.aclose()


async def test_an_active_entity_is_mapped_and_unknown_fields_ignored(client):
    entity = await client.lookup(EQUINOR)
    assert entity is not None
    assert (entity.name, entity.org_form_code, entity.sector_code) == ("EQUINOR ASA", "ASA", "1120")
    assert entity.registered_in_foretaksregisteret is True
    assert not entity.deleted


async def test_a_slettedato_means_deleted(client):
    entity = await client.lookup(DELETED)
    assert entity is not None
    assert entity.deleted
    assert str(entity.deleted_on) == "2022-08-09"


async def test_410_means_deleted(client):
    entity = await client.lookup(REMOVED)
    assert entity is not None
    assert entity.deleted


async def test_404_means_unknown(client):
    assert await client.lookup(UNKNOWN) is None


async def test_a_passing_failure_is_retried(client, brreg):
    entity = await client.lookup(FLAKY)
    assert entity is not None
    assert entity.org_form_code == "ORGL"
    assert brreg.calls[FLAKY] == 2


async def test_a_slow_answer_times_out_after_the_retries(client, brreg):
    with pytest.raises(BrregUnavailable, match="timeout"):
        await client.lookup(SLOW)
    assert brreg.calls[SLOW] == 3


async def test_a_broken_answer_is_unavailable(client):
    with pytest.raises(BrregUnavailable):
        await client.lookup(BROKEN)


async def test_a_malformed_number_never_reaches_brreg(client, brreg):
    with pytest.raises(ValueError, match="MOD11"):
        await client.lookup("988077918")
    assert sum(brreg.calls.values()) == 0


async def test_the_registry_stores_a_lookup(start_registry, brreg):
    async with start_registry(
        brreg_url=brreg.base_url, brreg_timeout_s=0.3, brreg_backoff_s=0.01
    ) as registry:
        found = await registry.client.post(
            f"/v1/organisations/{EQUINOR}/brreg-lookup", headers=officer()
        )
        assert found.status_code == 201, found.text
        body = found.json()
        assert (body["source"], body["sector"], body["nace_codes"][0]) == (
            "brreg",
            "public_controlled_company",
            "06.100",
        )
        deleted = await registry.client.post(
            f"/v1/organisations/{DELETED}/brreg-lookup", headers=officer()
        )
        assert deleted.json()["deleted"] is True
        unknown = await registry.client.post(
            f"/v1/organisations/{UNKNOWN}/brreg-lookup", headers=officer()
        )
        assert unknown.status_code == 404
        assert unknown.json()["type"] == "urn:nic:problem:brreg-unknown-organisation"
        down = await registry.client.post(
            f"/v1/organisations/{BROKEN}/brreg-lookup", headers=officer()
        )
        assert down.status_code == 502
        refused = await registry.client.post(
            f"/v1/organisations/{EQUINOR}/brreg-lookup", headers=applicant()
        )
        assert refused.status_code == 403
        events = await outbox_events(registry.database_url, "no.nic.organisation.updated.v1")
        assert [e["data"]["organisation_key"] for e in events] == [EQUINOR, DELETED]


async def test_lookups_are_off_by_default(registry):
    response = await registry.client.post(
        f"/v1/organisations/{EQUINOR}/brreg-lookup", headers=officer()
    )
    assert response.status_code == 503
    assert response.json()["type"] == "urn:nic:problem:brreg-disabled"


def test_brregs_retry_after_is_read_as_seconds_or_as_a_date():
    def wait(value: str) -> float:
        return _retry_after(httpx.Response(429, headers={"Retry-After": value}))

    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 0 < wait(soon) <= _MAX_RETRY_AFTER_S  # a date is not read as 0
    assert wait("-5") == 0  # never a negative sleep
    assert wait("soon") == 0
    assert wait("1") == min(1.0, _MAX_RETRY_AFTER_S)
