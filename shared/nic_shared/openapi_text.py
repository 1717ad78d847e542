"""JSON request bodies' strings in the OpenAPI say what `nic_shared.json_checks` refuses.

The request body middleware refuses, in every string and every object key of a JSON body,
control characters (C0 but tab, newline and carriage return; DEL; C1; lone surrogates),
bidi embeddings, overrides and isolates, and non-empty text that is only spaces and
zero-width characters (422 validation-error, rules `control-character`, `bidi-override`,
`invisible-text`). A schema that did not say so would call such a body valid; so every
string a JSON request body can hold, and that has no pattern, enum or const of its own,
gets `TEXT_PATTERN`, and every open object's keys get it as `propertyNames`. A Decimal's
string form (Pydantic's `anyOf: [number, string]`) gets the shape Decimal reads instead.
"""

from __future__ import annotations

from typing import Any

from nic_shared.patterns import DECIMAL, NON_NEGATIVE_DECIMAL

_BAD = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"
"""json_checks._CONTROL and json_checks._BIDI as an ECMA-262 class body, but for lone
surrogates: `\\ud800-\\udfff` in a class means something else without the `u` flag (every
astral character), and Schemathesis drops such a pattern; JSON text has none but by escape."""
_INVISIBLE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
    r"\u3000\u200b-\u200d\u2060\ufeff\u180e\u00ad\u034f"
)
"""Python's `\\s` for text, spelled out (ECMA's differs), and json_checks' zero-width ones."""

TEXT_PATTERN = f"^(?:[^{_BAD}]*[^{_BAD}{_INVISIBLE}][^{_BAD}]*)?$"
"""Empty, or readable text: no refused character and at least one visible one."""

_FORMATS_WITHOUT_CONTROLS = {"uuid", "date", "date-time", "time", "duration", "ipv4", "ipv6"}
_JSON_MEDIA_SUFFIXES = ("/json", "+json")
_NESTED = ("items", "additionalProperties", "not", "contains", "propertyNames")
_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def describe_request_text(document: dict[str, Any]) -> None:
    """Add the text rule to every schema a JSON request body can reach, in place."""
    components = document.get("components", {}).get("schemas", {})
    done: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            for media, entry in content.items():
                if media.split(";")[0].strip().endswith(_JSON_MEDIA_SUFFIXES):
                    _walk(entry.get("schema"), components, done)


def _walk(schema: Any, components: dict[str, Any], done: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        if name not in done and name in components:
            done.add(name)
            _walk(components[name], components, done)
        return
    types = schema.get("type")
    is_string = types == "string" or (isinstance(types, list) and "string" in types)
    if is_string and not _constrained(schema):
        schema["pattern"] = TEXT_PATTERN
    is_object = types == "object" or "properties" in schema or "additionalProperties" in schema
    if is_object and schema.get("additionalProperties", True) is not False:
        schema.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
    for prop in (schema.get("properties") or {}).values():
        _walk(prop, components, done)
    for key in _NESTED:
        _walk(schema.get(key), components, done)
    _decimal_string(schema)
    for key in _LISTS:
        for part in schema.get(key) or ():
            _walk(part, components, done)


def _decimal_string(schema: dict[str, Any]) -> None:
    """`anyOf: [{number}, {string}]` is how Pydantic writes a Decimal: its string is one."""
    parts = schema.get("anyOf") or []
    numbers = [p for p in parts if isinstance(p, dict) and p.get("type") == "number"]
    if numbers:
        minimum = numbers[0].get("minimum", numbers[0].get("exclusiveMinimum"))
        shape = NON_NEGATIVE_DECIMAL if minimum is not None and minimum >= 0 else DECIMAL
        for part in parts:
            if part.get("type") == "string" and not _constrained(part):
                part["pattern"] = shape


def _constrained(schema: dict[str, Any]) -> bool:
    """Whether the string's own rules already keep refused characters out."""
    return (
        "pattern" in schema
        or "enum" in schema
        or "const" in schema
        or schema.get("format") in _FORMATS_WITHOUT_CONTROLS
    )
