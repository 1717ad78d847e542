"""The HTTP promises every service keeps, checked on intake's calls (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.models import Call, messaging
from nic_intake.settings import IntakeSettings
from nic_shared import tracing
from nic_shared.settings import ServiceSettings
from tests.support.services import auth, serve, service_settings

GOOD_CALL = {
    "code": "ARENA-2026",
    "scheme": "arena",
    "title": {"nb": "Arena 2026", "en": "Arena 2026"},
    "description": {"nb": "Opptak til Arena.", "en": "Admission to Arena."},
    "opens_at_local": "2026-03-01T09:00:00",
    "deadline_local": "2026-09-15T16:00:00",
    "budget_frame_nok": 20_000_000,
}


@pytest.fixture
async def intake(broker, new_database, topic_prefix):
    url = await new_database("intake", MIGRATIONS)
    app = create_app(IntakeSettings(**service_settings(broker.bootstrap, url, topic_prefix)))
    async with serve(app, ready=False) as running:
        yield running


async def stored(app, model_or_table) -> int:
    async with app.state.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model_or_table)) or 0)


async def test_malformed_call_gets_422_naming_the_field_and_stores_nothing(intake):
    body = GOOD_CALL | {"budget_frame_nok": 1.5, "title": {"nb": "Arena"}}
    response = await intake.client.post("/v1/calls", json=body, headers=auth("programme_officer"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:nic:problem:validation-error"
    pointers = {e["pointer"]: e["rule"] for e in problem["errors"]}
    assert pointers["#/budget_frame_nok"] == "int_type"
    assert pointers["#/title/en"] == "missing"
    assert "Traceback" not in response.text
    assert await stored(intake.app, Call) == 0
    assert await stored(intake.app, messaging.outbox) == 0


async def test_unknown_fields_are_refused(intake):
    body = GOOD_CALL | {"status": "decided"}
    response = await intake.client.post("/v1/calls", json=body, headers=auth("programme_officer"))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "pointer": "#/status",
        "rule": "extra_forbidden",
        "detail": "Extra inputs are not permitted",
    }


async def test_unauthenticated_call_gets_401_problem(intake):
    response = await intake.client.post("/v1/calls", json=GOOD_CALL)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:nic:problem:unauthorized"


async def test_token_signed_with_another_key_gets_401(intake):
    from nic_shared.devtoken import mint

    forged = mint(roles=["programme_officer"], secret="another-secret-" + "y" * 40)
    response = await intake.client.post(
        "/v1/calls", json=GOOD_CALL, headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


async def test_wrong_role_gets_403_and_stores_nothing(intake):
    response = await intake.client.post(
        "/v1/calls", json=GOOD_CALL, headers=auth("applicant", org="974760673")
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:nic:problem:forbidden"
    assert await stored(intake.app, Call) == 0


async def test_unknown_route_and_method_are_problems_too(intake):
    missing = await intake.client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong_method = await intake.client.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["type"] == "urn:nic:problem:method-not-allowed"


async def test_problem_titles_follow_accept_language(intake):
    response = await intake.client.post(
        "/v1/calls", json=GOOD_CALL, headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"}
    )
    assert response.json()["title"] == "Mangler gyldig innlogging"
    english = await intake.client.post("/v1/calls", json=GOOD_CALL)
    assert english.json()["title"] == "Authentication required"


async def test_request_trace_travels_into_the_recorded_event(intake):
    incoming = tracing.new_trace()
    headers = auth("programme_officer") | {"traceparent": incoming.traceparent}
    created = await intake.client.post("/v1/calls", json=GOOD_CALL, headers=headers)
    assert created.headers["x-request-id"] == incoming.trace_id
    call_id = created.json()["id"]
    await intake.client.post(f"/v1/calls/{call_id}/publish", headers=headers)
    async with intake.app.state.db.transaction() as session:
        traceparent = await session.scalar(select(messaging.outbox.c.traceparent))
    parsed = tracing.parse_traceparent(traceparent)
    assert parsed is not None
    assert parsed.trace_id == incoming.trace_id


async def test_health_metrics_and_operation_ids(intake):
    assert (await intake.client.get("/healthz")).json() == {"status": "ok"}
    metrics = await intake.client.get("/metrics")
    assert "nic_http_requests_total" in metrics.text
    assert "nic_outbox_backlog" in metrics.text
    spec = (await intake.client.get("/openapi.json")).json()
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert "create_call" in operation_ids
    assert len(operation_ids) == len(set(operation_ids))


def test_placeholder_secret_is_refused_outside_development():
    with pytest.raises(ValueError, match="placeholder"):
        ServiceSettings(
            service_name="x", port=1, database_url="sqlite://", environment="production"
        )
    dev = ServiceSettings(service_name="x", port=1, database_url="sqlite://")
    assert dev.environment == "development"
