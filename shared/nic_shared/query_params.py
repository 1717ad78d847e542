"""Query parameters a route does not declare are refused, not ignored: a misspelt filter
(`?stauts=open`) would otherwise answer the whole list, which a client takes for the filtered
one. Every route gets this (an app-level dependency); the OpenAPI documents the 400 on every
operation (`nic_shared.openapi`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from nic_shared.problems import BadRequest, register_titles

SLUG = "unknown-parameter"
register_titles({SLUG: ("Ukjent parameter", "Unknown query parameter")})

DESCRIPTION = "A query parameter the operation does not declare (400 `unknown-parameter`)"


def _names(field: Any) -> set[str]:
    """A query parameter's name; a Pydantic model read from the query gives its fields'."""
    annotation = getattr(field.field_info, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {f.alias or name for name, f in annotation.model_fields.items()}
    return {field.alias}


def _query_fields(dependant: Dependant) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields += _query_fields(sub)
    return fields


def declared(route: APIRoute) -> frozenset[str]:
    """The query parameters the route (its dependencies included) reads. Not cached: it is
    asked only of requests with a query string, and walks a few dozen objects."""
    return frozenset(n for field in _query_fields(route.dependant) for n in _names(field))


async def refuse_undeclared(request: Request) -> None:
    """400 `unknown-parameter` naming every query parameter the route does not read."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    allowed = declared(route)
    unknown = sorted({name[:100] for name in request.query_params if name not in allowed})[:10]
    if unknown:
        raise BadRequest(
            f"unknown query parameter {', '.join(unknown)}; this operation reads "
            f"{', '.join(sorted(allowed)) or 'none'}",
            detail_nb=f"ukjent parameter {', '.join(unknown)}",
            slug=SLUG,
            errors=[
                {"parameter": name, "in": "query", "rule": "declared", "detail": "not declared"}
                for name in unknown
            ],
        )
