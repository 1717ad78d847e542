"""What every JSON body sent to the platform must be, checked once at the edge (the request
body middleware) so no route can forget it: no key twice in one object (parsers disagree on
which wins), numbers as written (Python reads them as floats), and text a person can read —
no NUL or other control characters, no bidi overrides that make text display other than it
is stored, and not only invisible characters. Each finding names its JSON pointer and rule.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

Finding = tuple[str, str, str]
"""(JSON pointer, rule, detail)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 controls but tab, newline and carriage return; DEL; C1 controls; lone surrogates."""
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
"""Bidi embeddings, overrides and isolates: text that displays other than it is stored."""
_VISIBLE = re.compile(r"[^\s\u200b-\u200d\u2060\ufeff\u180e\u00ad\u034f]")
"""Anything but spaces and zero-width characters."""


def text_problem(value: str) -> tuple[str, str] | None:
    """(rule, detail) when a string is not text a person can read, else None."""
    if found := _CONTROL.search(value):
        return "control-character", f"U+{ord(found[0]):04X} (a control character) is not text"
    if found := _BIDI.search(value):
        return "bidi-override", f"U+{ord(found[0]):04X} (a bidi control) is not allowed"
    if value and not _VISIBLE.search(value):
        return "invisible-text", "the text is only invisible characters or spaces"
    return None


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers which of its keys came more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    seen: set[str] = set()
    obj.duplicates = []
    for key, value in pairs:
        if key in seen and key not in obj.duplicates:
            obj.duplicates.append(key)
        seen.add(key)
        obj[key] = value
    return obj


class _Imprecise(str):
    """A JSON number a 64-bit float cannot hold as written (4.0000000000000000001, 1e400)."""


def _number(literal: str) -> float | _Imprecise:
    """Python's JSON parser (and so FastAPI's) reads numbers as floats: one with more digits
    than a float keeps would silently become another number (a mark of 4.0000000000000000001
    stored as 4.0), so such a number is refused instead of rounded."""
    value = float(literal)
    if not math.isfinite(value) or Decimal(repr(value)) != Decimal(literal):
        return _Imprecise(literal)
    return value


def findings(body: bytes) -> list[Finding]:
    """Every key twice in its object, number a float cannot hold and string that is not
    readable text; [] if none, or if the body is not JSON at all (the route answers that)."""
    try:
        document = json.loads(body, object_pairs_hook=_object, parse_float=_number)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError included
        return []
    found: list[Finding] = []
    stack: list[tuple[str, Any]] = [("#", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, _Object):
            found.extend(
                (f"{where}/{_escape(k)}", "duplicate-key", f"the key {k!r} appears more than once")
                for k in value.duplicates
            )
            stack.extend((f"{where}/{_escape(k)}", v) for k, v in value.items())
            found.extend(
                (f"{where}/{_escape(k)}", problem[0], f"the key: {problem[1]}")
                for k in value
                if k and (problem := text_problem(k))
            )
        elif isinstance(value, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(value))
        elif isinstance(value, _Imprecise):
            found.append((where, "number-precision", f"{value} has more digits than the API keeps"))
        elif isinstance(value, str) and (problem := text_problem(value)):
            found.append((where, *problem))
    return sorted(found)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
