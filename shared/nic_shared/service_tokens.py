"""Machine tokens for one service calling another, fetched and refreshed before they expire.

A static token in the settings expires silently and the calls start failing hours later, so
a caller asks a `TokenSource` for its bearer token on every call instead. In production
that is `ClientCredentials`: OAuth2 client credentials (RFC 6749 §4.4) at the identity
provider's token URL. In development, with no token URL, it is `LocalSigner`: a short-lived
token minted with the local secret (`devtoken.mint`). Both cache the token, fetch the next
one before the current one expires (at half its lifetime, and 30 s ahead when it lives
long enough for that), fetch it once however many calls wait for it (an asyncio.Lock), and
forget it when the resource server refuses it (`invalidate`). A token endpoint's
Retry-After (on 429 or 5xx, seconds or an HTTP date) rides on `TokenEndpointUnavailable`:
the caller waits it out, and a source that still holds a valid token asks no earlier.

    ServiceTokenError
     ├── TokenEndpointUnavailable   down, timeout, 5xx, 429, not an OAuth2 answer: retry later
     └── TokenConfigurationError    4xx such as invalid_client: fix the settings, not a retry
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import quote_plus

import httpx

from nic_shared.devtoken import mint
from nic_shared.retry import retry_after_seconds

log = logging.getLogger(__name__)

REFRESH_MARGIN_S = 30.0
_DEFAULT_EXPIRES_IN_S = 60.0  # RFC 6749 makes expires_in optional; assume little
_SIGNER_TTL_S = 300


class ServiceTokenError(Exception):
    """No token could be had."""


class TokenEndpointUnavailable(ServiceTokenError):
    """The token endpoint cannot answer now (down, timeout, 5xx, 429, or no OAuth2 answer);
    `retry_after` is the seconds its Retry-After asked for, if it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TokenConfigurationError(ServiceTokenError):
    """The token endpoint refused us (wrong client id or secret, scope, URL): fix the settings."""


def refresh_after(lifetime_s: float) -> float:
    """Seconds until a token of this lifetime is replaced: half-way, or `REFRESH_MARGIN_S`
    before expiry if that comes first, but never before a quarter of its life (short tokens)."""
    return min(lifetime_s / 2, max(lifetime_s - REFRESH_MARGIN_S, lifetime_s / 4))


class TokenSource:
    """A cached bearer token; subclasses say how to get a new one (`_fetch`)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self._expires_at = 0.0

    async def _fetch(self) -> tuple[str, float]:
        """A new token and its lifetime in seconds."""
        raise NotImplementedError

    async def token(self) -> str:
        """The current token, fetched first if there is none or it is due for refreshing."""
        if self._token is not None and time.monotonic() < self._refresh_at:
            return self._token
        async with self._lock:  # one fetch, however many callers arrive meanwhile
            now = time.monotonic()
            if self._token is not None and now < self._refresh_at:
                return self._token
            try:
                token, lifetime = await self._fetch()
            except TokenEndpointUnavailable as error:
                if self._token is not None and now < self._expires_at - 1:
                    # keep the valid token; try again soon, not on every call meanwhile,
                    # and not before the endpoint's Retry-After (but before the token expires)
                    pause = min(5.0, (self._expires_at - now) / 4)
                    if error.retry_after is not None:
                        pause = max(pause, min(error.retry_after, self._expires_at - now - 1))
                    self._refresh_at = now + pause
                    log.warning("token refresh failed; the current token is still valid: %s", error)
                    return self._token
                raise
            # counted from before the request: the issuer's clock started no later
            self._token, self._refresh_at = token, now + refresh_after(lifetime)
            self._expires_at = now + lifetime
            return token

    def invalidate(self, token: str) -> None:
        """The resource server refused `token`: the next call fetches a new one. A token
        already replaced is left alone, so many refusals of one token cause one fetch."""
        if token == self._token:
            self._token = None

    async def aclose(self) -> None:
        """Release what the source holds open."""


class ClientCredentials(TokenSource):
    """OAuth2 client credentials (RFC 6749 §4.4) with client_secret_basic (§2.3.1)."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        timeout: httpx.Timeout | float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        self.token_url, self.client_id, self.scope = token_url, client_id, scope
        # §2.3.1: id and secret are form-urlencoded before they go into the Basic header
        auth = httpx.BasicAuth(quote_plus(client_id), quote_plus(client_secret))
        self._client = httpx.AsyncClient(
            auth=auth,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "nic-service-tokens"},
        )

    async def _fetch(self) -> tuple[str, float]:
        where = f"token endpoint {self.token_url}"
        try:
            response = await self._client.post(
                self.token_url, data={"grant_type": "client_credentials", "scope": self.scope}
            )
        except httpx.TransportError as error:  # refused, reset, timeouts
            raise TokenEndpointUnavailable(f"{where}: {type(error).__name__}: {error}") from error
        status = response.status_code
        if status == 429 or status >= 500:
            raise TokenEndpointUnavailable(
                f"{where}: HTTP {status}",
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if status != 200:
            code = body.get("error", "no OAuth2 error code")
            detail = body.get("error_description", "")
            message = (
                f"{where} refused client {self.client_id!r} (scope {self.scope!r}): "
                f"HTTP {status} {code} {detail}".rstrip()
            )
            log.error("service token refused: %s", message)  # the secret is never logged
            raise TokenConfigurationError(message)
        token, kind = body.get("access_token"), body.get("token_type", "")
        expires_in = body.get("expires_in", _DEFAULT_EXPIRES_IN_S)
        if not isinstance(token, str) or not token or str(kind).lower() != "bearer":
            raise TokenEndpointUnavailable(f"{where}: no bearer access_token in its answer")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            raise TokenEndpointUnavailable(f"{where}: expires_in is not a number")
        if expires_in <= 0:
            raise TokenEndpointUnavailable(f"{where}: expires_in is {expires_in}")
        return token, float(expires_in)

    async def aclose(self) -> None:
        await self._client.aclose()


class LocalSigner(TokenSource):
    """Development: the same interface, tokens minted with the local secret, short-lived."""

    def __init__(
        self,
        *,
        secret: str,
        issuer: str,
        audience: str,
        subject: str,
        scope: str,
        ttl_s: int = _SIGNER_TTL_S,
    ) -> None:
        super().__init__()
        self._secret, self.issuer, self.audience = secret, issuer, audience
        self.subject, self.scope, self.ttl_s = subject, scope, ttl_s

    async def _fetch(self) -> tuple[str, float]:
        token = mint(
            roles=[],
            subject=self.subject,
            scopes=self.scope.split(),
            secret=self._secret,
            issuer=self.issuer,
            audience=self.audience,
            ttl_s=self.ttl_s,
        )
        return token, float(self.ttl_s)
