"""Token verification in production mode: keys from a JWKS URL served over real HTTP."""

from __future__ import annotations

import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI

from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.auth import CurrentPrincipal
from tests.shared import harness
from tests.support.services import serve, service_settings


def _protected_app(settings: harness.HarnessSettings) -> FastAPI:
    router = APIRouter()

    @router.get("/v1/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, object]:
        return {"subject": principal.subject, "roles": sorted(principal.roles)}

    return create_service_app(
        ServiceSpec(
            settings=settings, title="t", description="t", tables=harness.tables, routers=[router]
        )
    )


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(key: rsa.RSAPrivateKey, **claims) -> str:
    now = int(time.time())
    body = {
        "sub": "svc",
        "iss": "https://idp.test",
        "aud": "nic-platform",
        "iat": now,
        "exp": now + 300,
        "roles": ["operations"],
    } | claims
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
async def service_with_jwks(broker, new_database, topic_prefix, signing_key):
    numbers = signing_key.public_key().public_numbers()
    idp = FastAPI()

    @idp.get("/healthz")
    async def healthz() -> dict:
        return {}

    @idp.get("/jwks.json")
    async def jwks() -> dict:
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": "k1",
                    "use": "sig",
                    "alg": "RS256",
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    async with serve(idp, ready=False) as idp_server:
        db = await harness.open_database(await new_database("harness", None))
        await db.dispose()
        values = service_settings(broker.bootstrap, db.url, topic_prefix) | {
            "environment": "production",
            "jwt_secret": "",
            "jwt_jwks_url": f"{idp_server.base_url}/jwks.json",
            "jwt_issuer": "https://idp.test",
            "jwt_algorithms": ["RS256"],
            "cors_origins": ["https://portal.example"],
        }
        app = _protected_app(harness.HarnessSettings(**values))
        async with serve(app, ready=False) as service:
            yield service


async def test_token_signed_by_the_identity_provider_is_accepted(service_with_jwks, signing_key):
    headers = {"Authorization": f"Bearer {_token(signing_key)}"}
    response = await service_with_jwks.client.get("/v1/whoami", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"subject": "svc", "roles": ["operations"]}


async def test_expired_wrong_audience_and_hs256_tokens_are_refused(service_with_jwks, signing_key):
    from nic_shared.devtoken import mint
    from nic_shared.settings import DEV_JWT_SECRET

    expired = _token(signing_key, exp=int(time.time()) - 10)
    other_audience = _token(signing_key, aud="someone-else")
    dev_token = mint(roles=["operations"], secret=DEV_JWT_SECRET)
    for token in (expired, other_audience, dev_token):
        verify = service_with_jwks.app.state.verifier.verify
        with pytest.raises(Exception, match="invalid token"):
            await verify(token)


async def test_cors_allows_only_configured_origins(service_with_jwks):
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = await service_with_jwks.client.options(
        "/healthz", headers=preflight | {"Origin": "https://portal.example"}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    refused = await service_with_jwks.client.options(
        "/healthz", headers=preflight | {"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in refused.headers
