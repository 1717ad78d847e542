"""What the operations role sees of an event: ids, types, times and statuses, never content.

Operators run the pipeline; they cannot read an application (intake answers them 404), so
the stream, the ops event views and dead letters must not hand them its content either. The
rule is an allowlist read from each payload model: a top-level field is shown when its type
is an id (UUID), a time or date, a status (enum, Literal, bool), or when the model names it
in `OPS_SHOWN` (versions, ranks, call codes, category names). Every other value, nested
objects included, is replaced by `REDACTED`; an unknown event type shows no data at all.
docs/data-map.md lists, per event, what is personal data and what is shown (a test keeps it
true). Programme officers, who may read the applications, get the full payload.
"""

from __future__ import annotations

import json
import re
import types
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

from nic_shared.auth import Principal, Role
from nic_shared.events.base import CATALOGUE, EventPayload

REDACTED = "[redacted]"
SHOWN_TYPES = (UUID, datetime, date, bool, Enum)
_INPUT = re.compile(r"input_value=.*?(?=, input_type=|\]|$)", re.DOTALL)


def _is_shown_type(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_shown_type(get_args(annotation)[0])
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return bool(args) and all(_is_shown_type(a) for a in args)
    return isinstance(annotation, type) and issubclass(annotation, SHOWN_TYPES)


def shown_fields(model: type[EventPayload]) -> frozenset[str]:
    """The fields of one payload model the operations role sees."""
    by_type = {n for n, f in model.model_fields.items() if _is_shown_type(f.annotation)}
    return frozenset(by_type) | model.OPS_SHOWN


def sees_full_payloads(principal: Principal) -> bool:
    """Officers may read the applications themselves; operations sees the redacted view."""
    return principal.has_role(Role.PROGRAMME_OFFICER)


def redact_data(event_type: str, data: Any) -> dict[str, Any]:
    """An event's `data` with everything but the shown fields replaced by REDACTED."""
    if not isinstance(data, dict):
        return {}
    model = CATALOGUE.get(event_type)
    shown = shown_fields(model) if model is not None else frozenset()
    return {key: value if key in shown else REDACTED for key, value in data.items()}


def redact_envelope(payload: Any) -> Any:
    """A raw message (a dead letter): an envelope gets its data redacted, anything else goes."""
    if isinstance(payload, dict) and isinstance(payload.get("type"), str):
        return {**payload, "data": redact_data(payload["type"], payload.get("data"))}
    return REDACTED


def redact_raw(text: str) -> Any:
    """A raw message as stored (JSON text, or not), redacted."""
    try:
        return redact_envelope(json.loads(text))
    except ValueError:
        return REDACTED


def scrub_error(error: str | None) -> str | None:
    """A consumer's error without the input values pydantic quotes in it."""
    return None if error is None else _INPUT.sub(f"input_value={REDACTED}", error)
