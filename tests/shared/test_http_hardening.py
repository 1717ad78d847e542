"""The shared app's HTTP hardening, over real HTTP against a real `create_service_app`:
bounded JSON bodies (before authentication), duplicate JSON keys refused, security headers
on every answer, bounded token lifetimes, well-typed claims and bounded path ids."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.auth import CurrentPrincipal
from tests.shared import harness
from tests.support.ports import free_port
from tests.support.processes import ServiceProcess
from tests.support.services import (
    TEST_JWT_SECRET,
    RunningService,
    auth,
    serve,
    service_settings,
    token,
)

MIB = 1024 * 1024
PROBLEM = "application/problem+json"


class EchoIn(BaseModel):
    a: Any = None
    text: str = ""


def _router() -> APIRouter:
    router = APIRouter()

    @router.post("/v1/echo")
    async def echo(body: EchoIn, principal: CurrentPrincipal) -> dict[str, Any]:
        return {"a": body.a, "size": len(body.text), "subject": principal.subject}

    @router.post("/v1/open-echo")
    async def open_echo(body: dict[str, Any]) -> dict[str, Any]:
        return body

    @router.get("/v1/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
        return {
            "subject": principal.subject,
            "org": principal.org_number,
            "cluster": str(principal.cluster_id) if principal.cluster_id else None,
        }

    @router.get("/v1/public")
    async def public(response: Response) -> dict[str, str]:
        response.headers["Cache-Control"] = "public, max-age=60"
        return {"status": "public"}

    @router.post("/v1/upload")
    async def upload(request: Request, principal: CurrentPrincipal) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    return router


@pytest.fixture
async def service(tmp_path) -> AsyncIterator[RunningService]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'harness.db'}"
    db = await harness.open_database(url)
    await db.dispose()
    settings = harness.settings(
        f"127.0.0.1:{free_port()}",  # no broker: the relay backs off quietly
        url,
        "t.",
        relay_backoff_max_s=0.2,
    )
    app = create_service_app(
        ServiceSpec(
            settings=settings,
            title="hardening",
            description="t",
            tables=harness.tables,
            routers=[_router()],
        )
    )
    async with serve(app, ready=False) as running:
        yield running


def _big_json(size: int = 2 * MIB) -> bytes:
    return b'{"text": "' + b"x" * size + b'"}'


def _assert_problem(response: Any, status: int, *rules: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:nic:problem:")
    assert body["title"]
    assert body["detail"]
    assert {e["rule"] for e in body["errors"]} & set(rules), body
    return body


# 1. The JSON body limit


async def test_an_oversize_json_body_is_413_with_or_without_a_token(service):
    json_type = {"Content-Type": "application/json"}
    for headers in (json_type | auth("applicant"), json_type):
        response = await service.client.post("/v1/echo", content=_big_json(), headers=headers)
        body = _assert_problem(response, 413, "max-body-size")
        assert body["type"] == "urn:nic:problem:payload-too-large"
        [error] = body["errors"]
        assert error["limit"] == MIB
        assert str(MIB) in body["detail"]


async def test_a_chunked_oversize_body_is_413_counted_as_it_streams(service):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(32):
            yield b"x" * (64 * 1024)  # 2 MiB in all, no Content-Length
        yield b'"}'

    response = await service.client.post(
        "/v1/echo",
        content=chunks(),
        headers={"Content-Type": "application/json"} | auth("applicant"),
    )
    _assert_problem(response, 413, "max-body-size")


async def test_a_body_within_the_limit_passes(service):
    response = await service.client.post(
        "/v1/echo",
        content=_big_json(MIB - 100),
        headers={"Content-Type": "application/json"} | auth("applicant", subject="kari"),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"a": None, "size": MIB - 100, "subject": "kari"}
    small = await service.client.post("/v1/echo", json={"a": 1}, headers=auth("applicant"))
    assert small.status_code == 200, small.text


@pytest.mark.parametrize(
    "media", ["application/octet-stream", "application/pdf", "multipart/form-data; boundary=x"]
)
async def test_uploads_are_not_bounded_by_the_json_limit(service, media):
    response = await service.client.post(
        "/v1/upload", content=b"y" * (3 * MIB), headers={"Content-Type": media} | auth("applicant")
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"size": 3 * MIB}


# 2. Duplicate keys


async def test_a_duplicate_key_is_422_naming_the_key(service):
    response = await service.client.post(
        "/v1/echo",
        content=b'{"a": 1, "a": 2}',
        headers={"Content-Type": "application/json"} | auth("applicant"),
    )
    body = _assert_problem(response, 422, "duplicate-key")
    assert [e["pointer"] for e in body["errors"]] == ["#/a"]
    assert "'a'" in body["errors"][0]["detail"]


async def test_a_nested_duplicate_is_named_by_its_pointer_even_without_a_token(service):
    response = await service.client.post(
        "/v1/open-echo",
        content=b'{"x": [{"ok": 1}, {"b/c": 1, "b/c": 2}]}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    body = _assert_problem(response, 422, "duplicate-key")
    assert [e["pointer"] for e in body["errors"]] == ["#/x/1/b~1c"]


async def test_a_number_a_float_cannot_hold_is_refused_not_rounded(service):
    for literal in (b"4.0000000000000000001", b"1e400"):
        response = await service.client.post(
            "/v1/open-echo",
            content=b'{"marks": [{"mark": 5}, {"mark": ' + literal + b"}]}",
            headers={"Content-Type": "application/json"},
        )
        body = _assert_problem(response, 422, "number-precision")
        assert [e["pointer"] for e in body["errors"]] == ["#/marks/1/mark"]
    kept = await service.client.post(
        "/v1/open-echo",
        content=b'{"mark": 4.50, "ratio": 0.1, "big": 12345678901234567890}',
        headers={"Content-Type": "application/json"},
    )
    assert kept.status_code == 200, kept.text
    assert kept.json() == {"mark": 4.5, "ratio": 0.1, "big": 12345678901234567890}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("a\u0000b", "control-character"),
        ("a\u001bb", "control-character"),
        ("a\u009bb", "control-character"),
        ("\u200b\u2060", "invisible-text"),
        ("   ", "invisible-text"),
        ("abc\u202edef", "bidi-override"),
        ("abc\u2066def", "bidi-override"),
    ],
)
async def test_strings_and_keys_must_be_readable_text(service, text, rule):
    for body in ({"nested": [{"name": text}]}, {text: 1}):
        response = await service.client.post("/v1/open-echo", json=body)
        found = _assert_problem(response, 422, rule)
        pointer = "#/nested/0/name" if "nested" in body else f"#/{text}"
        assert found["errors"][0]["pointer"] == pointer


async def test_invalid_json_still_answers_as_before_and_unique_keys_pass(service):
    broken = await service.client.post(
        "/v1/open-echo", content=b'{"a": 1,', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422, broken.text
    assert broken.json()["type"] == "urn:nic:problem:validation-error"
    not_utf8 = await service.client.post(
        "/v1/open-echo", content=b'{"a": "\xff"}', headers={"Content-Type": "application/json"}
    )
    assert not_utf8.status_code < 500, not_utf8.text
    fine = await service.client.post("/v1/open-echo", json={"a": {"a": 1}, "b": [{"a": 2}]})
    assert fine.status_code == 200, fine.text
    assert fine.json() == {"a": {"a": 1}, "b": [{"a": 2}]}


# 3. Security headers


def _assert_security_headers(response: Any, cache: str = "no-store") -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers.get_list("cache-control") == [cache]


async def test_security_headers_on_json_problem_and_probe_answers(service):
    ok = await service.client.get("/v1/whoami", headers=auth("applicant"))
    assert ok.status_code == 200
    _assert_security_headers(ok)
    missing = await service.client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    _assert_security_headers(missing)
    health = await service.client.get("/healthz")
    assert health.status_code == 200
    _assert_security_headers(health)
    too_large = await service.client.post(
        "/v1/echo", content=_big_json(), headers={"Content-Type": "application/json"}
    )
    _assert_security_headers(too_large)


async def test_a_route_s_own_cache_control_is_kept(service):
    response = await service.client.get("/v1/public")
    assert response.status_code == 200
    _assert_security_headers(response, cache="public, max-age=60")


async def test_no_uvicorn_server_banner(service):
    response = await service.client.get("/healthz")
    assert "server" not in response.headers, response.headers["server"]


async def test_a_service_started_as_users_start_it_sends_no_banner_and_the_headers(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    registry = ServiceProcess("registry", service_settings(f"127.0.0.1:{free_port()}", url, "t."))
    await asyncio.to_thread(registry.migrate)
    await registry.start()
    try:
        async with httpx.AsyncClient(base_url=registry.url, timeout=10) as client:
            response = await client.get("/healthz")
    finally:
        await registry.stop()
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


# 4. Tokens: lifetime cap and claim types


def _raw_token(**claims: Any) -> dict[str, str]:
    now = int(time.time())
    body = {
        "sub": "kari",
        "iss": "nic-dev",
        "aud": "nic-platform",
        "iat": now,
        "exp": now + 300,
        "roles": ["applicant"],
    } | claims
    body = {k: v for k, v in body.items() if v is not None}
    return {"Authorization": f"Bearer {jwt.encode(body, TEST_JWT_SECRET, algorithm='HS256')}"}


async def test_a_token_that_lives_too_long_is_401(service):
    now = int(time.time())
    for headers in (
        _raw_token(exp=10**20),
        _raw_token(exp=10**400),
        _raw_token(exp=10**20, iat=None),
        _raw_token(exp=now + 13 * 3600, iat=None),
        _raw_token(iat=now - 13 * 3600, exp=now + 60),
        {"Authorization": f"Bearer {token('applicant', ttl_s=24 * 3600)}"},
    ):
        response = await service.client.get("/v1/whoami", headers=headers)
        body = _assert_problem(response, 401, "max-lifetime")
        assert body["errors"][0]["claim"] == "exp"
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_token_within_the_cap_is_accepted(service):
    now = int(time.time())
    for headers in (
        _raw_token(exp=now + 11 * 3600),
        auth("applicant", subject="kari"),
    ):
        response = await service.client.get("/v1/whoami", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["subject"] == "kari"


@pytest.mark.parametrize(
    "claims",
    [
        {"org": ["974760673"]},
        {"org": 974760673},
        {"org": {"number": "974760673"}},
        {"cluster": ["5f0c6b1e-0000-4000-8000-000000000000"]},
        {"cluster": 5},
        {"cluster": {"id": 1}},
        {"cluster": "not-a-uuid"},
        {"panel_member": [1]},
        {"panel_member": 7},
        {"roles": "applicant"},
        {"roles": [{"r": 1}]},
        {"scope": ["registry:read"]},
    ],
    ids=lambda c: f"{next(iter(c))}={next(iter(c.values()))!r}",
)
async def test_a_claim_of_the_wrong_type_is_401_not_500(service, claims):
    response = await service.client.get("/v1/whoami", headers=_raw_token(**claims))
    body = _assert_problem(response, 401, "type", "format")
    assert body["errors"][0]["claim"] == next(iter(claims))


async def test_an_infinite_exp_is_401_not_500(service):  # a guard: PyJWT refuses it today
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    payload = jwt.utils.base64url_encode(
        b'{"sub":"kari","iss":"nic-dev","aud":"nic-platform","exp":Infinity,"roles":[]}'
    )
    signing_input = header + b"." + payload
    signature = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256).sign(
        signing_input, TEST_JWT_SECRET.encode()
    )
    raw = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    response = await service.client.get("/v1/whoami", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


# 5. Path ids


async def test_a_dead_letter_id_beyond_bigint_is_422_not_500(service):
    ops = auth("operations")
    for path in (
        "/v1/ops/dead-letters/4590031086843715277534789632",
        "/v1/ops/dead-letters/0",
    ):
        response = await service.client.get(path, headers=ops)
        body = _assert_problem(response, 422, "less_than_equal", "greater_than_equal")
        assert body["errors"][0]["parameter"] == "dead_letter_id"
    replay = await service.client.post(
        "/v1/ops/dead-letters/4590031086843715277534789632/replay", headers=ops
    )
    body = _assert_problem(replay, 422, "less_than_equal")
    assert body["errors"][0]["parameter"] == "dead_letter_id"
    in_range = await service.client.get(f"/v1/ops/dead-letters/{2**63 - 1}", headers=ops)
    assert in_range.status_code == 404, in_range.text
