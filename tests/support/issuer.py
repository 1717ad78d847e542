"""A small real OAuth2 authorization server for tests, on a loopback port in its own thread.

`/token` grants client credentials (RFC 6749 §4.4) to registered clients authenticated with
HTTP Basic (client_secret_basic, §2.3.1) and signs RS256 JWTs with a key made at start;
`/.well-known/jwks.json` publishes the public key, so a service with `jwt_jwks_url` pointed
here verifies the tokens as it would the real identity provider's. It records every token
request, so a test can count fetches and see when each token was issued and expires.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.ports import free_port


@dataclass
class Client:
    secret: str
    scopes: set[str]
    expires_in: int = 300
    spoil_next: int = 0  # how many of its next tokens carry a wrong audience
    answer: str = "token"  # or "503" (the endpoint is failing), "garbage" (not JSON)


@dataclass(frozen=True)
class Grant:
    """One token request as the issuer saw it."""

    client_id: str | None
    form: dict[str, str]
    status: int
    at: float  # time.time() when it was asked
    token: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)


class Issuer:
    """Run with `with Issuer() as issuer:`; register clients with `add_client`."""

    def __init__(self, *, audience: str = "nic-platform") -> None:
        self.port = free_port()
        self.audience = audience
        self.kid = uuid.uuid4().hex[:12]
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.clients: dict[str, Client] = {}
        self.grants: list[Grant] = []
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        """The `iss` of its tokens."""
        return self.url

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    def add_client(
        self, client_id: str, secret: str, *, scopes: str = "registry:read", expires_in: int = 300
    ) -> Client:
        client = Client(secret=secret, scopes=set(scopes.split()), expires_in=expires_in)
        with self._lock:
            self.clients[client_id] = client
        return client

    def grants_of(self, client_id: str) -> list[Grant]:
        with self._lock:
            return [g for g in self.grants if g.client_id == client_id]

    def issued_to(self, client_id: str) -> list[Grant]:
        return [g for g in self.grants_of(client_id) if g.token is not None]

    # the HTTP side

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/token", self._token, methods=["POST"]),
                Route("/.well-known/jwks.json", self._jwks, methods=["GET"]),
            ]
        )

    async def _jwks(self, _request: Request) -> JSONResponse:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return JSONResponse({"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": "RS256"}]})

    async def _token(self, request: Request) -> Response:
        at = time.time()
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        client_id, secret = _basic(request.headers.get("authorization", ""))
        status, body, token, claims = self._grant(client_id, secret, form)
        with self._lock:
            self.grants.append(Grant(client_id, form, status, at, token, claims))
        if status == 200 and body.get("garbage"):
            return Response("<html>a proxy's error page</html>", media_type="text/html")
        headers = {"Cache-Control": "no-store"}
        if status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="test issuer"'
        return JSONResponse(body, status_code=status, headers=headers)

    def _grant(
        self, client_id: str | None, secret: str | None, form: dict[str, str]
    ) -> tuple[int, dict[str, Any], str | None, dict[str, Any]]:
        with self._lock:
            client = self.clients.get(client_id or "")
            if client is not None and client.answer == "503":
                return 503, {"error": "temporarily_unavailable"}, None, {}
            if client is not None and client.answer == "garbage":
                return 200, {"garbage": True}, None, {}
            if client is None or secret != client.secret:
                return 401, {"error": "invalid_client"}, None, {}
            if form.get("grant_type") != "client_credentials":
                return 400, {"error": "unsupported_grant_type"}, None, {}
            scopes = set(form.get("scope", "").split()) or client.scopes
            if not scopes <= client.scopes:
                return 400, {"error": "invalid_scope"}, None, {}
            audience = self.audience
            if client.spoil_next:
                client.spoil_next -= 1
                audience = "not-the-platform"
            expires_in = client.expires_in
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": audience,
            "sub": client_id,
            "scope": " ".join(sorted(scopes)),
            "iat": now,
            "exp": now + expires_in,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": claims["scope"],
        }
        return 200, body, token, claims

    # running

    def __enter__(self) -> Issuer:
        config = uvicorn.Config(
            self._app(),
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._server.serve(),), name="test-issuer", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise TimeoutError("the test issuer did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)


def _basic(header: str) -> tuple[str | None, str | None]:
    """client_secret_basic: base64 of form-urlencoded id ":" secret."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    with contextlib.suppress(ValueError):
        client_id, sep, secret = base64.b64decode(value, validate=True).decode().partition(":")
        if sep:
            return unquote_plus(client_id), unquote_plus(secret)
    return None, None
