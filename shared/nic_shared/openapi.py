"""The OpenAPI document every service serves: FastAPI's, finished by the rules below.

FastAPI builds the document from the routes; `install` wraps `app.openapi` so the first
call finishes it once, and the result is cached like FastAPI's own:

- every 4xx/5xx answer is `application/problem+json` with the `Problem` component
  (`nic_shared.problems.PROBLEM_SCHEMA`), whatever the route wrote in its `responses`;
- response headers: `Retry-After` on every 429 and 503, `WWW-Authenticate` on every 401,
  and on a route's success answer each of `ETag`, `Location`, `Content-Language` and
  `Content-Disposition` that the route sets: its endpoint, or a function of the same module
  that the endpoint calls, names the header in its source (a rule for all routes would lie:
  not every 201 has a Location, not every GET an ETag);
- naive Oslo wall-clock times (properties named `*_local` that pydantic types `date-time`)
  become strings with a pattern: `2023-09-01T16:00:00` is not an RFC 3339 date-time;
- `servers` (`/`: the address the document was fetched from) and `info.license`;
- the probes, metrics and the event contract (`PUBLIC_PATHS`) say `security: []`: a
  client generator or a gateway reads that they take no token (a missing `security` only
  means "whatever the document's default is");
- JSON request bodies' strings and keys carry the text rule the body middleware enforces
  (`nic_shared.openapi_text`).
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import fastapi.routing
from fastapi import FastAPI
from fastapi.routing import APIRoute

from nic_shared import patterns, problems, query_params
from nic_shared.openapi_text import describe_request_text

LICENSE = {"name": "MIT", "identifier": "MIT"}
"""The project's licence (LICENSE at the repository root, ADR 0011)."""

LOCAL_TIME_PATTERN = patterns.LOCAL_TIME
LOCAL_TIME_DESCRIPTION = "Europe/Oslo wall-clock time, no offset"
LOCAL_TIME: dict[str, Any] = {
    "type": "string",
    "pattern": LOCAL_TIME_PATTERN,
    "description": LOCAL_TIME_DESCRIPTION,
    "examples": ["2023-09-01T16:00:00"],
}

PUBLIC_PATHS = ("/healthz", "/readyz", "/readyz/broker", "/metrics", "/asyncapi.json")
"""Served by every service without a token (load balancers, Prometheus, client generators)."""

SERVERS: list[dict[str, str]] = [
    {"url": "/", "description": "This service, where this document was fetched from."}
]

_SECONDS = {"type": "integer", "minimum": 0}
_ERROR_HEADERS: dict[str, dict[str, dict[str, Any]]] = {
    "401": {
        "WWW-Authenticate": {
            "description": "The bearer challenge (RFC 6750), with the error when a token was sent.",
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds until a retry can succeed.",
            "schema": _SECONDS,
        }
    },
    "503": {
        "Retry-After": {
            "description": "Seconds to wait before retrying, when the service can tell.",
            "schema": _SECONDS,
        }
    },
}
_SUCCESS_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The representation's strong ETag: send it back in If-Match to change "
        "the resource.",
        "schema": {"type": "string", "pattern": '^"[^"]*"$'},
    },
    "Location": {
        "description": "Where the resource this answer created or names can be read.",
        "schema": {"type": "string"},
    },
    "Content-Language": {
        "description": "The language of the answer's texts (nb or en).",
        "schema": {"type": "string", "enum": ["nb", "en"]},
    },
    "Content-Disposition": {
        "description": "A file to save, with its name.",
        "schema": {"type": "string"},
    },
}


def install(app: FastAPI, *, servers: list[dict[str, str]] | None = None) -> None:
    """Serve FastAPI's document finished by `finish` (built once, on first use)."""
    build = app.openapi

    finished: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        # FastAPI answers its cached document (ours, once finished) until the routes change.
        built = build()
        if not finished or built is not finished[-1]:
            # It may share dicts between operations (a module's `responses`): copy first.
            document = finish(copy.deepcopy(built), app.routes, servers=servers)
            app.openapi_schema = document
            finished[:] = [document]
        return finished[-1]

    app.openapi = openapi  # type: ignore[method-assign]


def finish(
    document: dict[str, Any],
    routes: list[Any],
    *,
    servers: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Apply the module's rules to a FastAPI document, in place; returns it."""
    document.setdefault("servers", servers or SERVERS)
    document["info"].setdefault("license", LICENSE)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(problems.PROBLEM_SCHEMA)
    schemas["ProblemError"] = copy.deepcopy(problems.PROBLEM_ERROR_SCHEMA)
    set_headers = _headers_by_operation(routes)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if path in PUBLIC_PATHS:
                operation["security"] = []
            _document_undeclared_query(operation["responses"])
            success = set_headers.get((method.upper(), path), set())
            for status, response in operation["responses"].items():
                _finish_response(str(status), response, success)
            for parameter in operation.get("parameters", []):
                if str(parameter.get("name", "")).endswith("_local"):
                    parameter["schema"] = _local_time(parameter.get("schema", {}))
                if parameter.get("in") == "header":
                    _no_null_header(parameter)
                if _is_if_match(parameter) and "428" in operation["responses"]:
                    _require_if_match(parameter)
    for schema in schemas.values():
        _local_times(schema)
    describe_request_text(document)
    return document


IF_MATCH_PATTERN = r'^(?:\*|"[^"]*")(?: *, *(?:\*|"[^"]*"))*$'
"""One or more strong ETags (or `*`), as require_if_match reads them."""


def _document_undeclared_query(responses: dict[str, Any]) -> None:
    """Every operation refuses query parameters it does not declare (query_params.py)."""
    found = responses.get("400")
    if found is None:
        responses["400"] = {"description": query_params.DESCRIPTION}
    elif query_params.SLUG not in found.get("description", ""):
        found["description"] = f"{found.get('description', '')}; or {query_params.DESCRIPTION}"


def _no_null_header(parameter: dict[str, Any]) -> None:
    """An optional header is absent or a string, never JSON null: say the string alone (a
    client generator would otherwise send `Name: null`)."""
    schema = parameter.get("schema") or {}
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == 1 and len(kept) < len(branches):
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        parameter["schema"] = {**kept[0], **rest}


def _is_if_match(parameter: dict[str, Any]) -> bool:
    return parameter.get("in") == "header" and str(parameter.get("name", "")).lower() == "if-match"


def _require_if_match(parameter: dict[str, Any]) -> None:
    """An operation that answers 428 without If-Match needs it: the document says so."""
    parameter["required"] = True
    parameter["schema"] = {"type": "string", "pattern": IF_MATCH_PATTERN}
    parameter.setdefault(
        "description",
        "The ETag of the representation you read (strong; a weak W/ tag never matches): "
        "without it 428, stale 412.",
    )


def _finish_response(status: str, response: dict[str, Any], success: set[str]) -> None:
    if _is_error(status):
        content = response.get("content") or {}
        kept = {
            key: value
            for media in content.values()
            for key, value in media.items()
            if key in ("example", "examples")
        }
        response["content"] = {
            problems.MEDIA_TYPE: {"schema": {"$ref": problems.PROBLEM_REF}, **kept}
        }
        extra = _ERROR_HEADERS.get(status, {})
    elif status.startswith("2"):
        extra = {name: _SUCCESS_HEADERS[name] for name in sorted(success)}
    else:
        extra = {}
    if extra:
        response["headers"] = {**copy.deepcopy(extra), **response.get("headers", {})}


def _is_error(status: str) -> bool:
    return status[:1] in ("4", "5") or status == "default"


def _local_times(schema: Any) -> None:
    """`*_local` date-time properties anywhere in a schema become Oslo wall-clock strings."""
    if isinstance(schema, list):
        for part in schema:
            _local_times(part)
        return
    if not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        if name.endswith("_local"):
            schema["properties"][name] = _local_time(prop)
    for key, value in schema.items():
        if key != "properties" and isinstance(value, dict | list):
            _local_times(value)
    for prop in (schema.get("properties") or {}).values():
        _local_times(prop)


def _local_time(prop: dict[str, Any]) -> dict[str, Any]:
    """The wall-clock schema in place of a `date-time` (also inside `anyOf` with null)."""
    if prop.get("format") == "date-time":
        kept = {k: v for k, v in prop.items() if k in ("title", "default")}
        own = str(prop.get("description", "")).rstrip(". ")
        described = LOCAL_TIME_DESCRIPTION
        if own and own != LOCAL_TIME_DESCRIPTION:
            described = f"{LOCAL_TIME_DESCRIPTION}. {own}."
        return {**kept, **LOCAL_TIME, "description": described}
    if "anyOf" in prop:
        return {**prop, "anyOf": [_local_time(p) for p in prop["anyOf"]]}
    return prop


def _headers_by_operation(routes: list[Any]) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for route in _routes(routes):
        endpoint, path = getattr(route, "endpoint", None), getattr(route, "path_format", None)
        if endpoint is None or path is None:
            continue
        named = _headers_named(endpoint)
        for method in getattr(route, "methods", None) or ():
            found[(method, path)] = named
    return found


def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route with its full path: FastAPI >= 0.160 keeps included routers as branches
    (`iter_route_contexts`, what its own `get_openapi` walks); older ones flatten them."""
    contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    if contexts is None:
        yield from (r for r in routes if isinstance(r, APIRoute))
        return
    yield from contexts(routes)


def _headers_named(endpoint: Callable[..., Any]) -> set[str]:
    """The success headers the endpoint's source names, or a same-module function it calls."""
    endpoint = inspect.unwrap(endpoint)
    sources = [_source(endpoint)]
    module = inspect.getmodule(endpoint)
    for name in _names(sources[0]):
        helper = getattr(module, name, None)
        if (
            inspect.isfunction(helper)
            and helper is not endpoint
            and helper.__module__ == (module.__name__ if module else None)
        ):
            sources.append(_source(helper))
    return {
        header
        for header in _SUCCESS_HEADERS
        for source in sources
        if f'"{header}"' in source or f"'{header}'" in source
    }


def _source(function: Callable[..., Any]) -> str:
    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return ""


def _names(source: str) -> Iterator[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            yield node.id
