"""Mint a development token: `python -m nic_shared.devtoken --role programme_officer`.

Signed with the development secret the services accept in `environment=development`.
"""

from __future__ import annotations

import argparse
import time
import uuid

import jwt

from nic_shared.settings import DEV_JWT_SECRET


def mint(
    *,
    roles: list[str],
    subject: str | None = None,
    org: str | None = None,
    cluster: str | None = None,
    panel_member: str | None = None,
    scopes: list[str] | None = None,
    secret: str = DEV_JWT_SECRET,
    issuer: str = "nic-dev",
    audience: str = "nic-platform",
    ttl_s: int = 8 * 3600,
) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": subject or f"dev-{uuid.uuid4().hex[:8]}",
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl_s,
        "roles": roles,
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    for name, value in (("org", org), ("cluster", cluster), ("panel_member", panel_member)):
        if value:
            claims[name] = value
    return jwt.encode(claims, secret, algorithm="HS256")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", action="append", default=[], help="repeatable")
    parser.add_argument("--scope", action="append", default=[], help="repeatable")
    parser.add_argument("--sub")
    parser.add_argument("--org", help="organisation number (applicants)")
    parser.add_argument("--cluster", help="cluster id (cluster managers)")
    parser.add_argument("--panel-member", help="panel member id (panel members)")
    parser.add_argument("--hours", type=int, default=8)
    args = parser.parse_args()
    print(
        mint(
            roles=args.role,
            subject=args.sub,
            org=args.org,
            cluster=args.cluster,
            panel_member=args.panel_member,
            scopes=args.scope,
            ttl_s=args.hours * 3600,
        )
    )


if __name__ == "__main__":
    main()
