"""HTTP conventions every service uses: ETags with If-Match, and opaque paging cursors."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import Path

from nic_shared.problems import BadRequest, PreconditionFailed, PreconditionRequired

Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="A version number, from 1.")]
"""A version in a path: bounded, so an absurd number is a 422, not a database overflow."""


def etag(version: int) -> str:
    return f'"{version}"'


def require_if_match(if_match: str | None, version: int) -> None:
    """Updates need the ETag the client read; a stale one gets 412 and changes nothing."""
    if if_match is None:
        raise PreconditionRequired(
            "send If-Match with the ETag you read", detail_nb="send If-Match med ETag-en du leste"
        )
    tags = [t.strip() for t in if_match.split(",") if t.strip()]
    if "*" in tags or etag(version) in tags:
        return
    if any(t.startswith("W/") for t in tags):
        # RFC 9110 §13.1.1: If-Match compares strongly, so a weak tag never matches
        raise PreconditionFailed(
            f"If-Match needs the strong ETag {etag(version)}; a weak one (W/) never matches",
            detail_nb=f"If-Match krever den sterke ETag-en {etag(version)}; en svak (W/) passer aldri",
            rule="strong-etag",
        )
    raise PreconditionFailed(
        f"the resource has changed; its current ETag is {etag(version)}",
        detail_nb=f"ressursen er endret; gjeldende ETag er {etag(version)}",
    )


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as exc:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor") from exc
    if not isinstance(values, list):
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor")
    return values
