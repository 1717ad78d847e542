"""The registry's facts over HTTP: POST /v1/facts with timeouts, retries and backoff.

Eligibility never decides on missing facts. When the registry cannot answer (connection
refused, timeout, 5xx, 429, or it refuses our token) after a few quick tries, the caller
gets `RegistryUnavailable`: the consumer turns it into `RetryLater` (the event waits), the
dry run into 503 with Retry-After. A 4xx that says our request is wrong is a
`RegistryContractError`: retrying the same request will not help.

Between tries: `registry_backoff_s`, doubling, with jitter (`nic_shared.retry`); a 429 or
5xx (or a token endpoint's) Retry-After, in seconds or as an HTTP date, is waited out when
it is at most `RETRY_AFTER_MAX_S`; a longer one ends the tries at once (the event waits its
turn and asks again later, rather than asking early).

Our bearer token comes from `nic_shared.service_tokens`: OAuth2 client credentials at
`oauth_token_url` (production), else a short-lived token signed with the local secret. A
token the registry refuses (401/403) is forgotten and the next try fetches a new one; a
token endpoint that cannot answer is `RegistryUnavailable` too, and so is one that refuses
our client (a configuration error, logged as such): no decision is made without facts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from uuid import UUID

import httpx
from pydantic import ValidationError

from nic_eligibility.settings import EligibilitySettings
from nic_shared import tracing
from nic_shared.contracts.registry_facts import FactsQuery, FactsResponse
from nic_shared.retry import backoff_delays, retry_after_seconds
from nic_shared.service_tokens import (
    ClientCredentials,
    LocalSigner,
    TokenConfigurationError,
    TokenEndpointUnavailable,
    TokenSource,
)

log = logging.getLogger(__name__)

BACKOFF_MAX_S = 30.0
RETRY_AFTER_MAX_S = 5.0
"""The longest Retry-After waited out between quick tries; a longer one ends them."""


class RegistryUnavailable(Exception):
    """The registry could not answer now; ask again later."""


class RegistryContractError(Exception):
    """The registry refused the request or answered outside the contract."""


class RegistryClient:
    """One httpx client per app, opened and closed by the app's lifespan (`open`/`close`)."""

    def __init__(
        self, settings: EligibilitySettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.tokens: TokenSource | None = None

    async def open(self) -> None:
        s = self.settings
        self.tokens = token_source(s)
        self._client = httpx.AsyncClient(
            base_url=s.registry_url,
            timeout=httpx.Timeout(s.registry_timeout_s, connect=s.registry_connect_timeout_s),
            transport=self._transport,
            headers={"Accept": "application/json", "User-Agent": "nic-eligibility"},
        )

    async def close(self) -> None:
        client, self._client = self._client, None
        tokens, self.tokens = self.tokens, None
        if client is not None:
            await client.aclose()
        if tokens is not None:
            await tokens.aclose()

    @staticmethod
    def _headers(token: str) -> dict[str, str]:
        """Our token, and the trace we work in: the registry's spans join the submission's."""
        headers = {"Authorization": f"Bearer {token}"}
        trace = tracing.current()
        if trace is not None:
            headers["traceparent"] = trace.traceparent
        return headers

    async def facts(
        self, organisations: Sequence[str], cluster_id: UUID | None, as_of: date
    ) -> FactsResponse:
        """The facts for these keys (and the cluster) on a date; retries transient failures."""
        if self._client is None or self.tokens is None:
            raise RegistryUnavailable("the registry client is not open")
        query = FactsQuery(organisations=list(organisations), cluster_id=cluster_id, as_of=as_of)
        body = query.model_dump(mode="json")
        attempts = self.settings.registry_attempts
        delays = backoff_delays(self.settings.registry_backoff_s, BACKOFF_MAX_S)
        last = "no attempt made"
        for attempt in range(1, attempts + 1):
            retry_after: float | None = None
            try:
                token = await self.tokens.token()
                response = await self._client.post(
                    "/v1/facts", json=body, headers=self._headers(token)
                )
            except TokenConfigurationError as exc:  # logged by the token source
                raise RegistryUnavailable(f"no registry token: {exc}") from exc
            except TokenEndpointUnavailable as exc:
                last = f"no token: {exc}"
                retry_after = exc.retry_after
            except httpx.TransportError as exc:  # refused, reset, timeouts
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return self._parse(response, query)
                if response.status_code in (401, 403):
                    self.tokens.invalidate(token)  # expired, revoked, rotated: fetch afresh
                    last = f"HTTP {response.status_code} (token refused)"
                elif response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                    retry_after = retry_after_seconds(response.headers.get("retry-after"))
                else:
                    raise RegistryContractError(
                        f"registry refused the facts query: HTTP {response.status_code} "
                        f"{response.text[:500]}"
                    )
            if attempt == attempts:
                break
            if retry_after is not None and retry_after > RETRY_AFTER_MAX_S:
                last += f", retry after {retry_after:.0f}s"
                break
            await asyncio.sleep(max(next(delays), retry_after or 0.0))
        log.warning("registry unavailable", extra={"error": last, "attempts": attempt})
        raise RegistryUnavailable(f"registry unavailable after {attempt} tries: {last}")

    @staticmethod
    def _parse(response: httpx.Response, query: FactsQuery) -> FactsResponse:
        try:
            facts = FactsResponse.model_validate_json(response.content)
        except ValidationError as exc:
            raise RegistryContractError(f"registry answer outside the contract: {exc}") from exc
        if facts.as_of != query.as_of:
            raise RegistryContractError(f"registry answered for {facts.as_of}, not {query.as_of}")
        return facts


def token_source(settings: EligibilitySettings) -> TokenSource:
    """Client credentials at the configured token URL, else the local signer (development)."""
    s = settings
    if s.oauth_token_url:
        if not s.oauth_client_id or s.oauth_client_secret is None:  # the settings refuse it
            raise ValueError("oauth_token_url needs oauth_client_id and oauth_client_secret")
        return ClientCredentials(
            token_url=s.oauth_token_url,
            client_id=s.oauth_client_id,
            client_secret=s.oauth_client_secret.get_secret_value(),
            scope=s.oauth_scope,
            timeout=httpx.Timeout(s.registry_timeout_s, connect=s.registry_connect_timeout_s),
        )
    return LocalSigner(
        secret=s.jwt_secret,
        issuer=s.jwt_issuer,
        audience=s.jwt_audience,
        subject=f"service:{s.service_name}",
        scope=s.oauth_scope,
    )
