"""Bearer JWT verification, roles and scopes, and the caller's organisation or cluster.

Tokens are checked for signature (an algorithm allow-list; a JWKS URL in production, a
local secret in development), issuer, audience and expiry, and for a lifetime no longer than
`token_max_lifetime_s` (from now to `exp`, and from `iat` to `exp`). Claims we read, each of
its type or the token is refused (401): `sub` (string), `roles` (list of strings), `scope`
(space-separated string, machine clients), `org` (organisation number string, applicants),
`cluster` (cluster id, a UUID string, cluster managers), `panel_member` (panel member id, a
UUID string).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from nic_shared.problems import Forbidden, Unauthorized
from nic_shared.settings import ServiceSettings


class Role(StrEnum):
    APPLICANT = "applicant"
    CLUSTER_MANAGER = "cluster_manager"
    PANEL_MEMBER = "panel_member"
    PROGRAMME_OFFICER = "programme_officer"
    OPERATIONS = "operations"
    OPS_BREAK_GLASS = "ops_break_glass"
    """An operator who may read events in full where a service's `ops_break_glass` setting
    allows it, every read audited (nic_shared.ops_access); otherwise an operator like any."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    scopes: frozenset[str]
    org_number: str | None = None
    cluster_id: UUID | None = None
    panel_member_id: UUID | None = None

    def has_role(self, *roles: Role) -> bool:
        return any(r.value in self.roles for r in roles)

    def has_scope(self, *scopes: str) -> bool:
        return any(s in self.scopes for s in scopes)


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    async def verify(self, token: str) -> Principal:
        try:
            if self._jwks is not None:
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
                key: Any = signing_key.key
            else:
                key = self.settings.jwt_secret
            claims = jwt.decode(
                token,
                key,
                algorithms=self.settings.jwt_algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
            _check_lifetime(claims, self.settings.token_max_lifetime_s)
            return _principal(claims)
        except InvalidClaim as exc:
            raise Unauthorized(
                f"invalid token: {exc}",
                detail_nb=f"ugyldig token: {exc}",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                errors=[{"claim": exc.claim, "rule": exc.rule, "detail": str(exc)}],
            ) from exc
        except (jwt.PyJWTError, ValueError, TypeError, OverflowError) as exc:
            # OverflowError: defensive, for arithmetic on absurd numeric claims
            raise Unauthorized(
                f"invalid token: {exc}",
                detail_nb=f"ugyldig token: {exc}",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from exc


class InvalidClaim(ValueError):
    """A claim of the wrong type or value: the token is refused, naming the claim and rule."""

    def __init__(self, claim: str, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.claim, self.rule = claim, rule


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InvalidClaim(name, "type", f"{name} must be a number")
    return value


def _check_lifetime(claims: dict[str, Any], cap_s: int) -> None:
    """Refuse a token that lives longer than `cap_s`: from now, and from its `iat`."""
    exp = _number(claims, "exp")
    iat = _number(claims, "iat")
    if exp is not None and exp - int(time.time()) > cap_s:  # ints: no float overflow
        raise InvalidClaim(
            "exp", "max-lifetime", f"exp is more than {cap_s} s from now (the most allowed)"
        )
    if exp is not None and iat is not None and exp - iat > cap_s:
        raise InvalidClaim(
            "exp", "max-lifetime", f"exp - iat is more than {cap_s} s (the most allowed)"
        )


def _string(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidClaim(name, "type", f"{name} must be a string")
    return value


def _uuid(claims: dict[str, Any], name: str) -> UUID | None:
    value = _string(claims, name)
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError as exc:
        raise InvalidClaim(name, "format", f"{name} must be a UUID") from exc


def _principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InvalidClaim("roles", "type", "roles must be a list of strings")
    subject = claims["sub"]
    if not isinstance(subject, str):
        raise InvalidClaim("sub", "type", "sub must be a string")
    return Principal(
        subject=subject,
        roles=frozenset(roles),
        scopes=frozenset((_string(claims, "scope") or "").split()),
        org_number=_string(claims, "org"),
        cluster_id=_uuid(claims, "cluster"),
        panel_member_id=_uuid(claims, "panel_member"),
    )


_bearer = HTTPBearer(auto_error=False, description="A JWT from the identity provider.")


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized(
            "a bearer token is required",
            detail_nb="en bearer-token kreves",
            headers={"WWW-Authenticate": "Bearer"},
        )
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require(*roles: Role, scopes: tuple[str, ...] = ()) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through callers with any of the roles or any of the scopes."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.has_role(*roles) or principal.has_scope(*scopes):
            return principal
        wanted = ", ".join([r.value for r in roles] + list(scopes))
        raise Forbidden(f"this needs one of: {wanted}", detail_nb=f"dette krever en av: {wanted}")

    return check
