"""The rules the OpenAPI documents state in words because JSON Schema cannot (issue 19 item
3), each as a check that a refused request really breaks it.

A 422 `validation-error` to a schema-valid request is a documented refusal only when every
error it lists names one of these rules and the value it points at breaks that rule; any
other refusal of a schema-valid request stays a finding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from nic_shared import orgnr

_MISSING = object()
OSLO = ZoneInfo("Europe/Oslo")

# (start, end) field pairs a request may hold; the end may not come before the start.
ORDERED = (
    ("opens_at_local", "deadline_local"),
    ("deadline_local", "cluster_deadline_local"),
    ("opens_at", "closes_at"),
    ("valid_from", "valid_to"),
    ("project_start", "project_end"),
    ("awarded", "valid_until"),
    ("from_date", "to_date"),
)


def _pointer(body: Any, pointer: str) -> Any:
    """The value at a JSON pointer (`#/a/0`) into the request body, or _MISSING."""
    node = body
    for raw in pointer.removeprefix("#").strip("/").split("/") if pointer not in ("#", "") else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return _MISSING
    return node


def _parameter(case: Any, name: str, where: str) -> Any:
    found = {
        "path": case.path_parameters,
        "query": case.query,
        "header": case.headers,
    }.get(where) or {}
    given = found.get(name, _MISSING)
    if where == "path" and isinstance(given, str):
        return unquote(given)  # Schemathesis keeps path parameters as they go on the wire
    return given


def value(case: Any, error: dict[str, Any]) -> Any:
    """What the error points at: a part of the body, or a parameter."""
    if "pointer" in error:
        return _pointer(case.body, str(error["pointer"]))
    return _parameter(case, str(error.get("parameter")), str(error.get("in")))


def _container(case: Any, error: dict[str, Any]) -> Any:
    """The object holding the field the error names (the body itself for `#`)."""
    pointer = str(error.get("pointer", ""))
    if "parameter" in error:
        return {**(case.query or {}), **(case.path_parameters or {})}
    if pointer in ("#", ""):
        return case.body
    return _pointer(case.body, pointer.rsplit("/", 1)[0] or "#")


def breaks_mod11(case: Any, error: dict[str, Any]) -> bool:
    found = value(case, error)
    if not isinstance(found, str):
        return False
    digits = found.replace(" ", "")
    return len(digits) == 9 and digits.isascii() and digits.isdigit() and not orgnr.is_valid(digits)


def written_as_float(case: Any, error: dict[str, Any]) -> bool:
    """An integer field given as 1500.0: JSON Schema calls that an integer, the server not."""
    found = value(case, error)
    return isinstance(found, float) and found.is_integer()


def _moment(text: Any) -> datetime | date | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None


def _before(end: Any, start: Any) -> bool:
    if isinstance(end, datetime) and isinstance(start, datetime):
        if (end.tzinfo is None) != (start.tzinfo is None):
            return False
        return end <= start
    if isinstance(end, date) and isinstance(start, date):
        return end < start
    return False


def end_before_start(case: Any, error: dict[str, Any]) -> bool:
    holder = _container(case, error)
    if not isinstance(holder, dict):
        return False
    return any(
        _before(_moment(holder.get(end)), _moment(holder.get(start))) for start, end in ORDERED
    )


def _today() -> date:
    return datetime.now(OSLO).date()


def in_the_future(case: Any, error: dict[str, Any]) -> bool:
    found = value(case, error)
    if isinstance(found, int | str) and str(found).isdigit() and len(str(found)) == 4:
        return int(found) > _today().year
    moment = _moment(found)
    return isinstance(moment, date) and not isinstance(moment, datetime) and moment > _today()


def outside_the_year(case: Any, error: dict[str, Any]) -> bool:
    year = (case.path_parameters or {}).get("year")
    moment = _moment(value(case, error))
    return isinstance(year, int | str) and isinstance(moment, date) and moment.year != int(year)


def unusable_email(case: Any, error: dict[str, Any]) -> bool:
    from email_validator import EmailNotValidError, validate_email

    found = value(case, error)
    if not isinstance(found, str):
        return False
    try:
        validate_email(found, check_deliverability=False)
    except EmailNotValidError:
        return True
    return False


def unsafe_target(case: Any, error: dict[str, Any]) -> bool:
    """The webhook URL's host answers no public address: asked again, the same answer."""
    from nic_operations import webhooks
    from nic_operations.settings import OperationsSettings

    found = value(case, error)
    if not isinstance(found, str):
        return False
    try:
        asyncio.run(webhooks.check_target(found, OperationsSettings()))
    except webhooks.UnsafeTarget:
        return True
    return False


def _call_terms(case: Any) -> Any:
    """The new call's terms as intake derives them (scheme template and overrides), or None
    when they are inconsistent."""
    from nic_intake.domain.call_terms import CallConfigError
    from nic_intake.domain.templates import terms_for

    body = case.body if isinstance(case.body, dict) else {}
    try:
        return terms_for(body.get("scheme"), body.get("overrides") or {})
    except (CallConfigError, ValueError, KeyError):
        return None


def inconsistent_terms(case: Any, error: dict[str, Any]) -> bool:
    """`call_terms`: the overrides contradict the scheme's template or each other."""
    return _call_terms(case) is None


def no_cluster_stage(case: Any, error: dict[str, Any]) -> bool:
    """`no-cluster-stage`: a cluster deadline on a second-stage call, or on a call whose
    terms carry no proposal limits."""
    body = case.body if isinstance(case.body, dict) else {}
    if body.get("cluster_deadline_local") is None:
        return False
    if body.get("follows_call_id") is not None:
        return True
    terms = _call_terms(case)
    return terms is not None and terms.proposal_limits is None


def not_after_deadline(case: Any, error: dict[str, Any]) -> bool:
    """`after-deadline`: the cluster's deadline is not after the call's."""
    body = case.body if isinstance(case.body, dict) else {}
    cluster, deadline = (
        _moment(body.get("cluster_deadline_local")),
        _moment(body.get("deadline_local")),
    )
    return isinstance(cluster, datetime) and isinstance(deadline, datetime) and cluster <= deadline


def not_an_oslo_time(case: Any, error: dict[str, Any]) -> bool:
    """`oslo_local_time`: a wall-clock time the clocks in Oslo skip (the spring change)."""
    from nic_intake.domain.deadline import LocalTimeError, oslo_instant

    local = _moment(value(case, error))
    if not isinstance(local, datetime):
        return False
    try:
        oslo_instant(local.date(), local.time())
    except LocalTimeError:
        return True
    return False


def _asked(response: Any, path: str) -> Any:
    """GET `path` from the service that answered, as the same caller; its JSON or None."""
    import httpx

    sent = response.request
    base = httpx.URL(str(sent.url)).copy_with(path=path, query=None)
    auth = {"Authorization": sent.headers.get("Authorization", "")}
    found = httpx.get(str(base), headers=auth, timeout=10)
    return found.json() if found.status_code == 200 else None


def no_first_stage(case: Any, error: dict[str, Any], response: Any) -> bool:
    """`follows-cluster-stage`: follows_call_id names no published call with a cluster
    stage (asked of intake, which knows its calls)."""
    found = value(case, error)
    if not isinstance(found, str):
        return False
    first = _asked(response, f"/v1/calls/{found}")
    return first is None or first.get("published_at") is None or not first.get("cluster_stage")


RULES: dict[str, Callable[[Any, dict[str, Any]], bool]] = {
    "mod11": breaks_mod11,
    "int_type": written_as_float,
    "end-before-start": end_before_start,
    "not_in_future": in_the_future,
    "within_year": outside_the_year,
    "safe-target": unsafe_target,
    "email": unusable_email,
    "call_terms": inconsistent_terms,
    "no-cluster-stage": no_cluster_stage,
    "after-deadline": not_after_deadline,
    "oslo_local_time": not_an_oslo_time,
}

STATE_RULES: dict[str, Callable[[Any, dict[str, Any], Any], bool]] = {
    "follows-cluster-stage": no_first_stage,
}
"""Rules about what the service holds, checked by asking it."""


def _broken(case: Any, error: Any, response: Any) -> bool:
    if not isinstance(error, dict):
        return False
    rule = str(error.get("rule"))
    if (plain := RULES.get(rule)) is not None:
        return plain(case, error)
    if (stateful := STATE_RULES.get(rule)) is not None:
        return stateful(case, error, response)
    return False


def documented_422(case: Any, body: Any, response: Any) -> bool:
    """Every error of a validation-error problem names a rule above that the request breaks."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return False
    return all(_broken(case, e, response) for e in errors)
