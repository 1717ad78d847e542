"""Every service's OpenAPI document: valid (openapi-spec-validator), every error a typed
`Problem`, the headers routes set documented, Oslo wall-clock times as what they are, and
every example valid against its own schema."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate

from nic_shared.db import Database
from nic_shared.openapi import LOCAL_TIME_DESCRIPTION, LOCAL_TIME_PATTERN
from nic_shared.problems import MEDIA_TYPE

SERVICES = ("intake", "eligibility", "scoring", "registry", "operations")
METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _app(service: str) -> Any:
    module = __import__(f"nic_{service}.main", fromlist=["create_app"])
    return module.create_app()


@cache
def document(service: str) -> dict[str, Any]:
    return dict(_app(service).openapi())


def responses(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                for status, response in operation["responses"].items():
                    yield f"{method.upper()} {path}", str(status), response


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for one schema of the document, its `#/components/...` refs resolved."""
    root = {"$id": "urn:nic:openapi", "components": spec["components"], "allOf": [schema]}
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi(service):
    spec = document(service)
    validate(spec)
    assert spec["servers"]
    assert all(s["url"] for s in spec["servers"])
    assert spec["info"]["license"]["identifier"] == "MIT"
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_a_typed_problem(service):
    spec = document(service)
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["type"] == "object"
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])
    item = spec["components"]["schemas"]["ProblemError"]
    assert {"pointer", "parameter", "in", "rule", "detail", "detail_nb"} <= set(item["properties"])
    wrong = []
    for where, status, response in responses(spec):
        content = response.get("content", {})
        problem_schemas = [
            media.get("schema") for name, media in content.items() if name == MEDIA_TYPE
        ]
        for schema in problem_schemas:
            if schema != PROBLEM:
                wrong.append(f"{where} {status}: problem schema {schema}")
        if status[0] in "45" and (set(content) != {MEDIA_TYPE} or problem_schemas != [PROBLEM]):
            wrong.append(f"{where} {status}: {content}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("service", SERVICES)
def test_429_and_503_document_retry_after_and_401_the_challenge(service):
    spec = document(service)
    wrong = []
    for where, status, response in responses(spec):
        headers = response.get("headers", {})
        if status in ("429", "503") and headers.get("Retry-After", {}).get("schema") != {
            "type": "integer",
            "minimum": 0,
        }:
            wrong.append(f"{where} {status}")
        if status == "401" and "WWW-Authenticate" not in headers:
            wrong.append(f"{where} {status}")
    assert not wrong, "\n".join(wrong)


def test_the_headers_routes_set_are_documented():
    def headers(service: str, where: str, status: str) -> set[str]:
        method, path = where.split(" ")
        response = document(service)["paths"][path][method.lower()]["responses"][status]
        return set(response.get("headers", {}))

    assert headers("intake", "POST /v1/calls", "201") == {"ETag", "Location"}
    assert headers("intake", "GET /v1/calls/{call_id}", "200") == {"ETag"}
    assert headers("intake", "GET /v1/calls", "200") == set()
    assert headers("registry", "GET /v1/clusters/{cluster_id}", "200") == {"ETag"}  # a helper
    assert headers("registry", "PATCH /v1/clusters/{cluster_id}", "200") == {"ETag"}
    assert headers("scoring", "POST /v1/panels", "201") == {"Location"}
    assert headers("eligibility", "POST /v1/eligibility/check", "200") == {"Content-Language"}
    # Every GET of a resource that a PATCH changes with If-Match tells its ETag.
    for service in SERVICES:
        for path, item in document(service)["paths"].items():
            patch = item.get("patch", {})
            if "412" in patch.get("responses", {}) and "get" in item:
                assert "ETag" in headers(service, f"GET {path}", "200"), (service, path)


def _local_properties(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, list):
        for i, part in enumerate(schema):
            yield from _local_properties(part, f"{where}/{i}")
    elif isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if name.endswith("_local"):
                yield f"{where}.{name}", prop
        for key, value in schema.items():
            yield from _local_properties(value, f"{where}/{key}")


def test_oslo_wall_clock_times_are_patterned_strings():
    found = dict(_local_properties(document("intake")["components"]["schemas"], "#"))
    assert {"#/CallCreate.deadline_local", "#/ExtensionIn.deadline_local"} <= set(found), found
    for service in SERVICES:
        for name, prop in _local_properties(document(service)["components"]["schemas"], "#"):
            assert prop["type"] == "string", name
            assert prop["pattern"] == LOCAL_TIME_PATTERN, name
            assert prop["description"].startswith(LOCAL_TIME_DESCRIPTION), name
            assert "format" not in prop, name
    schema = document("intake")["components"]["schemas"]["CallCreate"]
    check = validator(document("intake"), schema["properties"]["deadline_local"])
    assert check.is_valid("2023-09-01T16:00:00")
    assert check.is_valid("2023-09-01T16:00")
    assert not check.is_valid("2023-09-01T16:00:00+02:00")


def _examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example in the document."""

    def walk(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
        if isinstance(schema, list):
            for i, part in enumerate(schema):
                yield from walk(part, f"{where}/{i}")
            return
        if not isinstance(schema, dict):
            return
        examples = schema.get("examples")
        for example in examples if isinstance(examples, list) else []:
            yield where, schema, example
        for key, value in schema.items():
            if key not in ("examples", "example"):
                yield from walk(value, f"{where}/{key}")

    yield from walk(spec["components"]["schemas"], "#/components/schemas")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            bodies = [("requestBody", operation.get("requestBody", {}))] + [
                (status, r) for status, r in operation["responses"].items()
            ]
            for name, body in bodies:
                for media_name, media in body.get("content", {}).items():
                    where = f"{method.upper()} {path} {name} {media_name}"
                    schema = media.get("schema")
                    if schema is None:
                        continue
                    if "example" in media:
                        yield where, schema, media["example"]
                    for example in media.get("examples", {}).values():
                        if "value" in example:
                            yield where, schema, example["value"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_example_validates_against_its_own_schema(service):
    spec = document(service)
    wrong = []
    count = 0
    for where, schema, example in _examples(spec):
        count += 1
        errors = list(validator(spec, schema).iter_errors(example))
        if errors:
            wrong.append(f"{where}: {example!r}: {errors[0].message}")
    assert count > 0
    assert not wrong, "\n".join(wrong)


async def test_the_problems_the_handlers_emit_match_the_component(tmp_path):
    """Bodies from the middleware (413, 422) and the auth (401) are `Problem`s."""
    app = _app("intake")
    # No lifespan: the session is opened, and the request refused before any query.
    app.state.db = Database(f"sqlite+aiosqlite:///{tmp_path}/intake.db")
    spec = document("intake")
    check = validator(spec, PROBLEM)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        answers = [
            await client.get("/v1/applications"),
            await client.get("/v1/applications", headers={"Authorization": "Bearer x.y.z"}),
            await client.post(
                "/v1/calls",
                content=b'{"a": 1, "a": 2}',
                headers={"Content-Type": "application/json"},
            ),
            await client.post(
                "/v1/calls",
                content=b"x" * (2 * 1024 * 1024),
                headers={"Content-Type": "application/json"},
            ),
            await client.get("/v1/no-such-thing"),
        ]
    await app.state.db.dispose()
    assert [a.status_code for a in answers] == [401, 401, 422, 413, 404]
    for answer in answers:
        assert answer.headers["content-type"] == MEDIA_TYPE
        errors = [e.message for e in check.iter_errors(answer.json())]
        assert not errors, (answer.json(), errors)
    assert answers[2].json()["errors"][0]["rule"] == "duplicate-key"
