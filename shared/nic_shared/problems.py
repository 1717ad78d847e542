"""RFC 9457 problem details for every 4xx and 5xx, FastAPI's own included.

Exception tree:

    Problem                  status, stable type slug, nb/en title, detail, extensions
    ├── BadRequest           400
    ├── Unauthorized         401 (with WWW-Authenticate)
    ├── Forbidden            403
    ├── NotFound             404
    ├── Conflict             409
    ├── PreconditionFailed   412
    ├── PreconditionRequired 428
    ├── UnprocessableContent 422 (business rules; carries `errors` with pointers)
    ├── TooManyRequests      429 (with Retry-After)
    └── ServiceUnavailable   503 (with Retry-After)

Services raise these; the handlers below render them. No stack trace reaches a body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from nic_shared.i18n import language

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:nic:problem:"

TITLES: dict[str, tuple[str, str]] = {
    "validation-error": ("Ugyldige data i forespørselen", "The request has invalid data"),
    "bad-request": ("Ugyldig forespørsel", "Bad request"),
    "unauthorized": ("Mangler gyldig innlogging", "Authentication required"),
    "forbidden": ("Ingen tilgang", "Forbidden"),
    "not-found": ("Finnes ikke", "Not found"),
    "method-not-allowed": ("Metoden er ikke tillatt", "Method not allowed"),
    "conflict": ("Konflikt", "Conflict"),
    "precondition-failed": ("Ressursen er endret", "The resource has changed"),
    "precondition-required": ("If-Match mangler", "If-Match is required"),
    "concurrent-change": ("Samtidig endring", "Concurrent change"),
    "invalid-cursor": ("Ugyldig sidemarkør", "Invalid paging cursor"),
    "unsupported-media-type": ("Innholdstypen støttes ikke", "Unsupported media type"),
    "payload-too-large": ("For stor forespørsel", "Payload too large"),
    "too-many-requests": ("For mange forespørsler", "Too many requests"),
    "service-unavailable": ("Tjenesten er midlertidig utilgjengelig", "Service unavailable"),
    "internal-error": ("Intern feil", "Internal error"),
}


_BY_STATUS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    429: "too-many-requests",
    503: "service-unavailable",
}


PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemError",
    "description": "One finding: where it is (a JSON pointer into the body, a parameter, a CSV "
    "row and column, a token claim), the rule it broke, and what to do.",
    "required": ["rule"],
    "properties": {
        "pointer": {"type": "string", "description": "JSON pointer into the body (`#/a/0`)."},
        "parameter": {"type": "string", "description": "A query, path or header parameter."},
        "in": {"type": "string", "description": "Where the parameter is: query, path, header."},
        "field": {"type": "string", "description": "A part of the request (`body`)."},
        "row": {"type": "integer", "description": "A CSV import's row, from 1."},
        "column": {"type": "string", "description": "A CSV import's column."},
        "claim": {"type": "string", "description": "A bearer token's claim."},
        "rule": {"type": "string", "description": "The rule broken, a stable code."},
        "detail": {"type": "string"},
        "detail_nb": {"type": "string", "description": "The detail in Norwegian Bokmål."},
        "limit": {"type": "integer", "description": "The limit that was passed."},
    },
    "additionalProperties": True,
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details, the body of every 4xx and 5xx answer. Members "
    "beyond these are extensions of the problem type (`max_bytes`, `deadline`, ...).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {
            "type": "string",
            "pattern": "^urn:nic:problem:[a-z0-9-]+$",
            "description": "The problem type, a stable URN: `urn:nic:problem:<slug>`.",
            "examples": ["urn:nic:problem:validation-error"],
        },
        "title": {
            "type": "string",
            "description": "The type's title in the language asked for (Accept-Language).",
        },
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "This occurrence, for a person to read."},
        "instance": {"type": "string", "description": "The request's path."},
        "errors": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/ProblemError"},
            "description": "Each finding, for validation and business-rule problems.",
        },
        "limit": {"type": "integer", "description": "The limit passed (rate limits)."},
        "window_s": {"type": "integer", "description": "The rate limit's window in seconds."},
        "retry_after_s": {"type": "integer", "description": "As Retry-After, in seconds."},
        "max_bytes": {"type": "integer", "description": "The largest body accepted."},
        "checks": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Readiness: each dependency and its state.",
        },
    },
    "additionalProperties": True,
    "examples": [
        {
            "type": "urn:nic:problem:validation-error",
            "title": "The request has invalid data",
            "status": 422,
            "instance": "/v1/calls",
            "detail": "#/code: String should match pattern",
            "errors": [{"pointer": "#/code", "rule": "string_pattern_mismatch", "detail": "..."}],
        }
    ],
}
"""The `Problem` component (nic_shared.openapi registers it in every service's document)."""


def problem_doc(description: str) -> dict[str, Any]:
    """An OpenAPI response entry for a problem+json answer."""
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}}


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_doc("Bad request (e.g. a malformed paging cursor or header)"),
    401: problem_doc("No valid bearer token"),
    403: problem_doc("The caller's role or scope does not allow this"),
    404: problem_doc("Not found, or not visible to this caller"),
    422: problem_doc("Invalid request: `errors` points at each field and rule"),
    503: problem_doc("The database or a dependency is unavailable; retry after Retry-After"),
}
"""Responses any route may give; a route documents its own (409, 412, ...) on top."""


def register_titles(titles: dict[str, tuple[str, str]]) -> None:
    """Let a service add its own problem types with their nb/en titles."""
    for slug, pair in titles.items():
        existing = TITLES.setdefault(slug, pair)
        if existing != pair:
            raise RuntimeError(f"problem type {slug} registered with two titles")


class Problem(Exception):
    status = 500
    slug = "internal-error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        slug: str | None = None,
        detail_nb: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or slug or self.slug)
        if slug is not None:
            self.slug = slug
        self.detail = detail
        self.detail_nb = detail_nb
        self.headers = headers or {}
        self.extensions = extensions


class BadRequest(Problem):
    status, slug = 400, "bad-request"


class Unauthorized(Problem):
    status, slug = 401, "unauthorized"


class Forbidden(Problem):
    status, slug = 403, "forbidden"


class NotFound(Problem):
    status, slug = 404, "not-found"


class Conflict(Problem):
    status, slug = 409, "conflict"


class PreconditionFailed(Problem):
    status, slug = 412, "precondition-failed"


class PreconditionRequired(Problem):
    status, slug = 428, "precondition-required"


class PayloadTooLarge(Problem):
    status, slug = 413, "payload-too-large"


class UnsupportedMediaType(Problem):
    status, slug = 415, "unsupported-media-type"


class UnprocessableContent(Problem):
    status, slug = 422, "validation-error"


class TooManyRequests(Problem):
    status, slug = 429, "too-many-requests"


class ServiceUnavailable(Problem):
    status, slug = 503, "service-unavailable"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    *,
    detail: str | None = None,
    detail_nb: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    lang = language(request.headers.get("accept-language"))
    nb, en = TITLES.get(slug) or TITLES.get(_BY_STATUS.get(status, ""), TITLES["internal-error"])
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{slug}",
        "title": nb if lang == "nb" else en,
        "status": status,
        "instance": request.url.path,
    }
    text = detail_nb if lang == "nb" and detail_nb else detail
    if text:
        body["detail"] = text
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def pointer(loc: tuple[int | str, ...]) -> dict[str, str]:
    """Where a validation error sits: a JSON pointer into the body, or a parameter's name."""
    where, *path = loc
    if where == "body":
        escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
        return {"pointer": "#/" + "/".join(escaped) if escaped else "#"}
    return {"parameter": str(path[0]) if path else str(where), "in": str(where)}


def install(app: FastAPI) -> None:
    """Render every error the app can produce as problem+json."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(
            request,
            exc.status,
            exc.slug,
            detail=exc.detail,
            detail_nb=exc.detail_nb,
            headers=exc.headers,
            **exc.extensions,
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = []
        for err in exc.errors():
            entry: dict[str, Any] = pointer(tuple(err["loc"]))
            entry["rule"] = err["type"]
            entry["detail"] = err["msg"]
            errors.append(entry)
        return problem_response(
            request,
            422,
            "validation-error",
            detail="; ".join(
                f"{e.get('pointer', e.get('parameter'))}: {e['detail']}" for e in errors
            )[:2000],
            errors=errors,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug = _BY_STATUS.get(
            exc.status_code, "bad-request" if exc.status_code < 500 else "internal-error"
        )
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(
            request, exc.status_code, slug, detail=detail, headers=getattr(exc, "headers", None)
        )

    async def on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable", extra={"error": repr(exc)[:500]})
        return problem_response(
            request,
            503,
            "service-unavailable",
            detail="The database is busy or unreachable; retry shortly.",
            detail_nb="Databasen er opptatt eller utilgjengelig; prøv igjen om litt.",
            headers={"Retry-After": "1"},
        )

    async def on_stale(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(
            request,
            409,
            "concurrent-change",
            detail="someone else changed this at the same time; read it again and retry",
            detail_nb="noen andre endret dette samtidig; les på nytt og prøv igjen",
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(request, 500, "internal-error")

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(StaleDataError, on_stale)
    app.add_exception_handler(OperationalError, on_database_unavailable)
    app.add_exception_handler(PoolTimeout, on_database_unavailable)
    app.add_exception_handler(DBAPIError, _dbapi_handler(on_database_unavailable, on_unexpected))
    app.add_exception_handler(Exception, on_unexpected)


# lock_not_available, query_canceled (statement timeout), serialization and deadlock failures,
# too many connections, and the "cannot connect now" family: all worth a retry.
_TRANSIENT_SQLSTATES = {"55P03", "57014", "40001", "40P01", "53300", "57P03", "08000", "08006"}


def _dbapi_handler(unavailable: Any, unexpected: Any) -> Any:
    """Transient database trouble (lost connection, lock or statement timeout) is 503."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if exc.connection_invalidated or sqlstate in _TRANSIENT_SQLSTATES:
            return await unavailable(request, exc)  # type: ignore[no-any-return]
        return await unexpected(request, exc)  # type: ignore[no-any-return]

    return handler
