"""Bearer JWT verification, roles and scopes, and the caller's organisation or cluster.

Tokens are checked for signature (an algorithm allow-list; a JWKS URL in production, a
local secret in development), issuer, audience and expiry. Claims we read:
`sub`, `roles` (list), `scope` (space-separated, machine clients), `org` (organisation
number, applicants), `cluster` (cluster id, cluster managers), `panel_member` (panel member id).
"""

from __future__ import annotations

import asyncio
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
            return _principal(claims)
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized(
                f"invalid token: {exc}",
                detail_nb=f"ugyldig token: {exc}",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from exc


def _principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles", [])
    if not isinstance(roles, list):
        raise ValueError("roles must be a list")
    cluster = claims.get("cluster")
    panel_member = claims.get("panel_member")
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(str(r) for r in roles),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        org_number=claims.get("org"),
        cluster_id=UUID(cluster) if cluster else None,
        panel_member_id=UUID(panel_member) if panel_member else None,
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
