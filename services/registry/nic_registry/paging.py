"""Cursor paging shared by the registry's lists: a page is `limit` rows after a sort key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from nic_shared.http import decode_cursor, encode_cursor
from nic_shared.problems import BadRequest

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Cursor = Annotated[
    str | None, Query(description="`next_cursor` of the previous page; omit for the first.")
]


def after(cursor: str | None, size: int) -> list[Any] | None:
    """The sort key a cursor carries, or None for the first page."""
    if cursor is None:
        return None
    values = decode_cursor(cursor)
    if len(values) != size:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor")
    return values


def next_cursor(rows: list[Any], limit: int, *key: Any) -> str | None:
    """A cursor after the last row when the page is full; `key` is that row's sort key."""
    return encode_cursor(*key) if rows and len(rows) == limit else None


class Page(BaseModel):
    next_cursor: str | None = None
