"""A client for Enhetsregisteret's open API (`GET /enhetsregisteret/api/enheter/{orgnr}`).

REFERENCE.md §1.2: 200 is the entity (a `slettedato` means deleted), 404 unknown, 410
removed (deleted). Timeouts, transport errors, 429 and 5xx are retried with a growing
pause; anything else, or a body that is not an entity, is `BrregUnavailable`. Unknown fields
are ignored by the mapping (`domain.brreg`). The organisation number is MOD11-checked before
any call, so a malformed one never reaches Brreg.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from nic_registry.domain.brreg import BrregEntity, entity_from_enhet, entity_removed
from nic_registry.domain.errors import BrregFormatError
from nic_shared import orgnr
from nic_shared.retry import backoff_delay, retry_after_seconds

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER_S = 5.0


class BrregUnavailable(Exception):
    """Brreg did not give a usable answer after the retries."""


class BrregClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.backoff_s = backoff_s
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s),
            headers={"Accept": "application/json", "User-Agent": "nic-registry/1.0"},
            transport=transport,
            follow_redirects=True,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def lookup(self, org_number: str) -> BrregEntity | None:
        """The entity (deleted ones flagged), or None when Brreg does not know the number."""
        orgnr.validate(org_number)
        path = f"/enhetsregisteret/api/enheter/{org_number}"
        last_error = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(
                    backoff_delay(attempt, first=self.backoff_s, maximum=_MAX_RETRY_AFTER_S)
                )
            try:
                response = await self._http.get(path)
            except httpx.TimeoutException as exc:
                last_error = f"timeout ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                last_error = f"transport error ({type(exc).__name__})"
                continue
            status = response.status_code
            if status == 200:
                return self._entity(org_number, response)
            if status == 404:
                return None
            if status == 410:
                return entity_removed(org_number, _json_or_none(response))
            if status in _RETRY_STATUS:
                last_error = f"HTTP {status}"
                await asyncio.sleep(_retry_after(response))
                continue
            raise BrregUnavailable(f"Brreg answered HTTP {status} for {org_number}")
        log.warning("brreg lookup failed", extra={"org_number": org_number, "error": last_error})
        raise BrregUnavailable(f"Brreg did not answer for {org_number}: {last_error}")

    @staticmethod
    def _entity(org_number: str, response: httpx.Response) -> BrregEntity:
        body = _json_or_none(response)
        if body is None:
            raise BrregUnavailable("Brreg answered 200 without a JSON object")
        try:
            return entity_from_enhet(body, requested=org_number)
        except BrregFormatError as exc:
            raise BrregUnavailable(str(exc)) from exc


def _json_or_none(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _retry_after(response: httpx.Response) -> float:
    """Brreg's Retry-After, seconds or an HTTP date, capped; 0 when absent or unreadable."""
    wait = retry_after_seconds(response.headers.get("Retry-After"), maximum=_MAX_RETRY_AFTER_S)
    return wait or 0.0
