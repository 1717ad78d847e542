"""OpenAPI documents every endpoint, with examples for every request body."""

from __future__ import annotations

from typing import Any

from nic_registry.main import create_app
from nic_registry.settings import RegistrySettings

METHODS = {"get", "post", "put", "patch", "delete"}


def _schema(spec: Any, ref_or_schema: Any) -> Any:
    if "$ref" in ref_or_schema:
        return spec["components"]["schemas"][ref_or_schema["$ref"].rsplit("/", 1)[1]]
    return ref_or_schema


def test_every_operation_has_a_summary_problems_and_body_examples():
    spec = create_app(RegistrySettings(database_url="sqlite+aiosqlite://")).openapi()
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        if path.startswith("/v1/")
        for method, op in item.items()
        if method in METHODS
    ]
    assert len(operations) >= 30
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert "401" in op["responses"], where
        body = op.get("requestBody")
        if body is None:
            continue
        for media, content in body["content"].items():
            schema = _schema(spec, content.get("schema", {}))
            has_example = "example" in content or "examples" in content or "examples" in schema
            assert has_example, f"{where} {media} has no example"
