"""Eligibility's registry token: OAuth2 client credentials at a real issuer, checked by a real
registry process that verifies tokens against the issuer's JWKS; and the development signer.

The registry accepting a call is what shows a token was valid; the issuer counts the token
requests and records when each token was issued and when it expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from pydantic import ValidationError

from nic_eligibility.main import MIGRATIONS, create_app
from nic_eligibility.registry import RegistryClient, RegistryUnavailable, token_source
from nic_eligibility.settings import EligibilitySettings
from nic_shared.contracts.registry_facts import FactsResponse
from nic_shared.service_tokens import (
    ClientCredentials,
    LocalSigner,
    TokenConfigurationError,
    TokenEndpointUnavailable,
)
from tests.eligibility.conftest import deliver, eligibility_settings
from tests.eligibility.stand_in import DEADLINE, ORG, call_published, innovasjonsrammen_content
from tests.support.issuer import Client, Issuer
from tests.support.ports import free_port
from tests.support.processes import ServiceProcess
from tests.support.services import TEST_JWT_SECRET, auth, serve, service_settings

ORGANISATION = "923609016"
AS_OF = date(2026, 3, 1)


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with Issuer() as running:
        yield running


@pytest.fixture(scope="module")
def registry(issuer: Issuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real registry, trusting only the issuer's keys (as in production)."""
    folder = tmp_path_factory.mktemp("registry")
    settings = service_settings(
        f"127.0.0.1:{free_port()}", f"sqlite+aiosqlite:///{folder}/r.db", "t."
    )
    settings |= {
        "jwt_jwks_url": issuer.jwks_url,
        "jwt_issuer": issuer.issuer,
        "jwt_audience": issuer.audience,
        "jwt_algorithms": ["RS256"],
    }
    process = ServiceProcess("registry", settings, log=folder / "registry.log")
    process.migrate()
    asyncio.run(process.start())
    try:
        yield process.url
    finally:
        asyncio.run(process.stop())


class Recording(httpx.AsyncBaseTransport):
    """A real HTTP transport that remembers the status of every registry answer."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def new_client(issuer: Issuer, **options: Any) -> tuple[str, str, Client]:
    client_id, secret = f"eligibility-{uuid.uuid4().hex[:8]}", f"s3cret:{uuid.uuid4().hex}"
    return client_id, secret, issuer.add_client(client_id, secret, **options)


def settings(registry_url: str, **overrides: Any) -> EligibilitySettings:
    values = {
        "environment": "test",
        "database_url": "sqlite+aiosqlite:///:memory:",
        "jwt_secret": TEST_JWT_SECRET,
        "registry_url": registry_url,
        "registry_attempts": 2,
        "registry_backoff_s": 0.02,
        "registry_connect_timeout_s": 0.5,
        "registry_timeout_s": 5.0,
        **overrides,
    }
    return EligibilitySettings(**values)


@contextlib.asynccontextmanager
async def registry_client(
    registry_url: str, token_url: str, client_id: str, secret: str
) -> AsyncIterator[tuple[RegistryClient, Recording]]:
    recording = Recording()
    client = RegistryClient(
        settings(
            registry_url,
            oauth_token_url=token_url,
            oauth_client_id=client_id,
            oauth_client_secret=secret,
        ),
        transport=recording,
    )
    await client.open()
    try:
        yield client, recording
    finally:
        await client.close()


async def facts(client: RegistryClient) -> FactsResponse:
    return await client.facts([ORGANISATION], None, AS_OF)


# Through the real registry


async def test_eligibility_fetches_registry_token_by_client_credentials(issuer, registry):
    client_id, secret, _ = new_client(issuer)
    async with registry_client(registry, issuer.token_url, client_id, secret) as (client, seen):
        answer = await facts(client)
        await facts(client)
    assert answer.as_of == AS_OF
    assert seen.statuses == [200, 200]
    [grant] = issuer.grants_of(client_id)  # one token for both calls
    assert grant.status == 200
    assert grant.form == {"grant_type": "client_credentials", "scope": "registry:read"}
    assert grant.claims["sub"] == client_id
    assert grant.claims["scope"] == "registry:read"


async def test_token_is_refreshed_before_it_expires(issuer, registry):
    client_id, secret, _ = new_client(issuer, expires_in=4)  # replaced after 1 s
    calls = 0
    async with registry_client(registry, issuer.token_url, client_id, secret) as (client, seen):
        loop = asyncio.get_running_loop()
        end = loop.time() + 8.5  # more than two lifetimes
        while loop.time() < end:
            await facts(client)
            calls += 1
            await asyncio.sleep(0.2)
    assert set(seen.statuses) == {200}, "no call was refused for an expired token"
    assert len(seen.statuses) == calls
    grants = issuer.grants_of(client_id)
    assert all(g.status == 200 for g in grants)
    assert 3 <= len(grants) < calls, "fetched afresh, and cached in between"
    for earlier, later in itertools.pairwise(grants):
        assert later.at < earlier.claims["exp"], "the next token came before this one expired"


async def test_concurrent_calls_share_one_token_request(issuer, registry):
    client_id, secret, _ = new_client(issuer)
    async with registry_client(registry, issuer.token_url, client_id, secret) as (client, seen):
        answers = await asyncio.gather(*(facts(client) for _ in range(50)))
    assert len(answers) == 50
    assert seen.statuses == [200] * 50
    assert len(issuer.grants_of(client_id)) == 1


async def test_refused_token_is_fetched_afresh(issuer, registry):
    client_id, secret, client_options = new_client(issuer)
    client_options.spoil_next = 1  # its first token names another audience
    async with registry_client(registry, issuer.token_url, client_id, secret) as (client, seen):
        await facts(client)
    assert seen.statuses == [401, 200]
    first, second = issuer.issued_to(client_id)
    assert first.claims["aud"] != issuer.audience
    assert second.claims["aud"] == issuer.audience


async def test_token_endpoint_down_means_registry_unavailable(issuer, registry):
    closed = f"http://127.0.0.1:{free_port()}/token"
    async with registry_client(registry, closed, "eligibility", "s3cret") as (client, seen):
        with pytest.raises(RegistryUnavailable, match="no token"):
            await facts(client)
    assert seen.statuses == [], "the registry is not asked without a token"


async def test_the_dry_run_answers_503_with_retry_after_while_the_token_endpoint_is_down(
    new_database, facts, topic_prefix
):
    url = await new_database("eligibility", MIGRATIONS)
    closed = f"http://127.0.0.1:{free_port()}/token"
    app = create_app(
        eligibility_settings(
            f"127.0.0.1:{free_port()}",
            url,
            topic_prefix,
            facts.url,
            oauth_token_url=closed,
            oauth_client_id="eligibility",
            oauth_client_secret="s3cret",
        )
    )
    async with serve(app, ready=False) as service:
        call = call_published()
        await deliver(service.app, call)
        answer = await service.client.post(
            "/v1/eligibility/check",
            json={
                "call_id": str(call.call_id),
                "applicant_org_number": ORG[1],
                "content": innovasjonsrammen_content().model_dump(mode="json"),
                "submitted_at": (DEADLINE - timedelta(days=3)).isoformat(),
            },
            headers=auth("programme_officer"),
        )
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["type"] == "urn:nic:problem:registry-unavailable"
    assert facts.queries == [], "the registry is not asked without a token"


async def test_wrong_client_secret_is_a_configuration_error(issuer, registry, caplog):
    client_id, secret, _ = new_client(issuer)
    wrong = "not-" + secret
    async with registry_client(registry, issuer.token_url, client_id, wrong) as (client, seen):
        with caplog.at_level(logging.ERROR), pytest.raises(RegistryUnavailable) as raised:
            await facts(client)
    assert "invalid_client" in str(raised.value)
    assert isinstance(raised.value.__cause__, TokenConfigurationError)
    assert seen.statuses == []
    assert len(issuer.grants_of(client_id)) == 1, "a refused client is not retried at once"
    assert any(client_id in r.getMessage() for r in caplog.records)
    assert not any(wrong in r.getMessage() for r in caplog.records), "the secret is not logged"


# The token source on its own, against the real issuer


async def test_wrong_secret_names_the_client_and_hides_the_secret(issuer):
    client_id, secret, _ = new_client(issuer)
    source = ClientCredentials(
        token_url=issuer.token_url,
        client_id=client_id,
        client_secret="wrong",
        scope="registry:read",
    )
    try:
        with pytest.raises(TokenConfigurationError) as raised:
            await source.token()
    finally:
        await source.aclose()
    message = str(raised.value)
    assert "HTTP 401 invalid_client" in message
    assert client_id in message
    assert "wrong" not in message
    assert secret not in message


async def test_a_scope_the_client_may_not_have_is_a_configuration_error(issuer):
    client_id, secret, _ = new_client(issuer)
    source = ClientCredentials(
        token_url=issuer.token_url,
        client_id=client_id,
        client_secret=secret,
        scope="registry:write",
    )
    try:
        with pytest.raises(TokenConfigurationError, match="invalid_scope"):
            await source.token()
    finally:
        await source.aclose()


@pytest.mark.parametrize("answer", ["503", "garbage"])
async def test_a_failing_token_endpoint_is_unavailable(issuer, answer):
    client_id, secret, client_options = new_client(issuer)
    client_options.answer = answer
    source = ClientCredentials(
        token_url=issuer.token_url, client_id=client_id, client_secret=secret, scope="registry:read"
    )
    try:
        with pytest.raises(TokenEndpointUnavailable):
            await source.token()
    finally:
        await source.aclose()


async def test_a_closed_token_port_is_unavailable():
    source = ClientCredentials(
        token_url=f"http://127.0.0.1:{free_port()}/token",
        client_id="eligibility",
        client_secret="s3cret",
        scope="registry:read",
    )
    try:
        with pytest.raises(TokenEndpointUnavailable, match="ConnectError"):
            await source.token()
    finally:
        await source.aclose()


async def test_a_failed_refresh_keeps_the_token_that_is_still_valid(issuer):
    client_id, secret, client_options = new_client(issuer, expires_in=4)  # refreshed after 1 s
    source = ClientCredentials(
        token_url=issuer.token_url, client_id=client_id, client_secret=secret, scope="registry:read"
    )
    try:
        token = await source.token()
        client_options.answer = "503"
        await asyncio.sleep(1.2)
        assert await source.token() == token
        assert [g.status for g in issuer.grants_of(client_id)] == [200, 503]
    finally:
        await source.aclose()


async def test_a_secret_with_reserved_characters_is_form_encoded(issuer):
    client_id, _, _ = new_client(issuer)
    issuer.add_client(client_id, "a:b c+d%e/f")
    source = ClientCredentials(
        token_url=issuer.token_url,
        client_id=client_id,
        client_secret="a:b c+d%e/f",
        scope="registry:read",
    )
    try:
        assert await source.token()
    finally:
        await source.aclose()


async def test_development_signer_token_is_refreshed_before_it_expires():
    source = LocalSigner(
        secret=TEST_JWT_SECRET,
        issuer="nic-dev",
        audience="nic-platform",
        subject="service:eligibility",
        scope="registry:read",
        ttl_s=4,  # refreshed after 1 s
    )
    first = await source.token()
    assert await source.token() == first
    await asyncio.sleep(1.2)
    second = await source.token()
    assert second != first
    for token in (first, second):
        claims = jwt.decode(token, TEST_JWT_SECRET, algorithms=["HS256"], audience="nic-platform")
        assert claims["scope"] == "registry:read"
        assert claims["sub"] == "service:eligibility"
    assert (
        jwt.decode(second, options={"verify_signature": False})["exp"]
        > jwt.decode(first, options={"verify_signature": False})["exp"]
    )


# Settings


PRODUCTION: dict[str, Any] = {
    "environment": "production",
    "database_url": "sqlite+aiosqlite:///:memory:",
    "jwt_jwks_url": "https://idp.example/jwks.json",
}


def test_outside_development_a_token_url_is_required():
    with pytest.raises(ValidationError, match="NIC_ELIGIBILITY_OAUTH_TOKEN_URL"):
        EligibilitySettings(**PRODUCTION)
    with pytest.raises(ValidationError, match="oauth_client_secret"):
        EligibilitySettings(
            **PRODUCTION, oauth_token_url="https://idp.example/token", oauth_client_id="elig"
        )


def test_in_development_the_local_signer_is_used():
    assert isinstance(token_source(EligibilitySettings()), LocalSigner)


def test_the_client_secret_can_be_read_from_a_file(tmp_path: Path):
    secret_file = tmp_path / "client-secret"
    secret_file.write_text("s3cret-from-a-file\n")
    loaded = EligibilitySettings(
        **PRODUCTION,
        oauth_token_url="https://idp.example/token",
        oauth_client_id="eligibility",
        oauth_client_secret_file=str(secret_file),
    )
    assert loaded.oauth_client_secret is not None
    assert loaded.oauth_client_secret.get_secret_value() == "s3cret-from-a-file"
    assert "s3cret" not in repr(loaded)
    with pytest.raises(ValidationError, match="both set"):
        EligibilitySettings(
            **PRODUCTION,
            oauth_token_url="https://idp.example/token",
            oauth_client_id="eligibility",
            oauth_client_secret="inline",
            oauth_client_secret_file=str(secret_file),
        )
    with pytest.raises(ValidationError, match="No such file"):
        EligibilitySettings(**PRODUCTION, oauth_client_secret_file=str(tmp_path / "missing"))
