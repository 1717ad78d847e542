"""Schemathesis's checks, all of them, with the refusals the OpenAPI documents but JSON
Schema cannot express (issue 19, items 2 and 3) told apart from real findings.

A cursor is an opaque string: the schema cannot tell an issued one from any other, so a
schema-valid cursor the service never issued gets the documented 400 `invalid-cursor`.
Cross-parameter rules ("give a subject, event ids or a trace id") are stated in the
operation's description and answered with a documented 400 problem. Only those answers,
to requests that break exactly that rule, pass positive_data_acceptance; every other
refusal of a schema-valid request is a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.contract.rules import documented_422


def _query(case: Any) -> dict[str, Any]:
    return dict(case.query or {})


def _no_cursor_issued(case: Any) -> bool:
    return _query(case).get("cursor") is not None


def _no_trail_key(case: Any) -> bool:
    query = _query(case)
    return query.get("subject") is None and not query.get("event_id") and not query.get("trace_id")


def _no_cluster_named(case: Any) -> bool:
    return _query(case).get("cluster_id") is None


# (operation label or "*", problem type slug) -> whether the request breaks that rule.
DOCUMENTED: dict[tuple[str, str], Callable[[Any], bool]] = {
    ("*", "invalid-cursor"): _no_cursor_issued,
    ("GET /v1/ops/events", "bad-request"): _no_trail_key,
    ("GET /v1/calls/{call_id}/cluster-proposals", "bad-request"): _no_cluster_named,
}


def _sends_if_match(case: Any) -> bool:
    return any(k.lower() == "if-match" for k in (case.headers or {}))


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def problem_type(response: Any) -> str:
    """The slug of a problem answer's `type` (`urn:nic:problem:invalid-cursor` -> its end)."""
    body = _json(response)
    if not isinstance(body, dict):
        return ""
    return str(body.get("type", "")).replace("/", ":").rsplit(":", 1)[-1]


def documented_refusal(case: Any, response: Any) -> bool:
    """A refusal the schema documents for a rule it cannot express, to a request that
    breaks it: the 400s above, a 422 whose every error is one of tests/contract/rules.py,
    and 412 to an If-Match (the schema cannot know the resource's current ETag)."""
    if response.status_code == 422 and problem_type(response) == "validation-error":
        return documented_422(case, _json(response), response)
    if response.status_code == 412:
        return problem_type(response) == "precondition-failed" and _sends_if_match(case)
    if response.status_code != 400:
        return False
    slug = problem_type(response)
    label = f"{case.operation.method.upper()} {case.operation.path}"
    for (where, rule_slug), breaks in DOCUMENTED.items():
        if rule_slug == slug and where in ("*", label) and breaks(case):
            return True
    return False


def positive_data_acceptance_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, but for the documented refusals above."""
    if documented_refusal(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)


def all_checks() -> list[Callable[..., Any]]:
    """Every check Schemathesis has, positive_data_acceptance as above."""
    load_all_checks()
    checks = [c for c in CHECKS.get_all() if c is not positive_data_acceptance]
    return [*checks, positive_data_acceptance_documented]
