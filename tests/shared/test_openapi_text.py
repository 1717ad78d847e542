"""The text rule in the OpenAPI (nic_shared.openapi_text) is the one the body middleware
enforces (nic_shared.json_checks): the same verdict for every code point and for mixed
strings, and on every string a JSON request body of every service can hold."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nic_shared.json_checks import text_problem
from nic_shared.openapi_text import TEXT_PATTERN
from tests.contract.platform import ALL_SERVICES

PATTERN = re.compile(TEXT_PATTERN)


def test_every_code_point_gets_the_middlewares_verdict():
    wrong = [
        f"U+{i:04X}"
        for i in range(0x110000)
        if not 0xD800 <= i <= 0xDFFF  # lone surrogates: refused, not in the pattern
        and (PATTERN.fullmatch(chr(i)) is None) != (text_problem(chr(i)) is not None)
    ]
    assert not wrong


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12))
def test_mixed_strings_get_the_middlewares_verdict(text):
    assert (PATTERN.fullmatch(text) is None) == (text_problem(text) is not None)


def _strings_without_rule(schema: Any, components: dict[str, Any], seen: set[str]) -> int:
    if isinstance(schema, list):
        return sum(_strings_without_rule(s, components, seen) for s in schema)
    if not isinstance(schema, dict):
        return 0
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return 0
        seen.add(name)
        return _strings_without_rule(components[name], components, seen)
    own = int(
        schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema)
    )
    return own + sum(
        _strings_without_rule(v, components, seen)
        for k, v in schema.items()
        if k not in ("examples", "example", "default", "enum", "const")
    )


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_json_request_bodies_say_the_text_rule(service):
    module = __import__(f"nic_{service}.main", fromlist=["create_app"])
    document = module.create_app().openapi()
    components = document.get("components", {}).get("schemas", {})
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content") or {}
            schema = (content.get("application/json") or {}).get("schema")
            if schema and _strings_without_rule(schema, components, set()):
                missing.append(f"{method.upper()} {path}")
    assert not missing
