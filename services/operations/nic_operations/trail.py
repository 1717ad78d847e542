"""Where is application X? Asks each service's `/v1/ops/events` and assembles the trail.

Round one: the events each service published about the application (its retained outbox).
Round two: which service consumed each of those events (inboxes) or dead-lettered it.
The trail is submitted -> assessed -> scored -> recommended, each step with its time, event
id and trace id; the first step not reached says why: the consumer has not taken the
previous event yet (lag, or the service is down), dead-lettered it (with the error), or
took it and has not decided yet (for scoring: the panel has not finished).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel

from nic_shared.ops import short_type


@dataclass(frozen=True)
class StepSpec:
    name: str
    service: str
    types: tuple[str, ...]
    consumer_of_previous: str | None
    """The service that turns the previous step's event into this one."""


STEPS = (
    StepSpec("submitted", "intake", ("no.nic.application.submitted.v1",), None),
    StepSpec(
        "assessed",
        "eligibility",
        ("no.nic.eligibility.assessed.v1", "no.nic.eligibility.overridden.v1"),
        "eligibility",
    ),
    StepSpec("scored", "scoring", ("no.nic.panel.scored.v1",), "scoring"),
    StepSpec("recommended", "scoring", ("no.nic.funding.recommended.v1",), "scoring"),
)
WITHDRAWN = "no.nic.application.withdrawn.v1"


class Consumption(BaseModel):
    service: str
    processed_at: datetime


class DeadLetterRef(BaseModel):
    service: str
    id: int
    error: str
    dead_lettered_at: datetime
    replay_count: int
    applied: bool


class Step(BaseModel):
    name: str
    service: str
    status: str
    """done | waiting | stuck | unknown | not_reached | not_applicable"""
    at: datetime | None = None
    event_id: str | None = None
    type: str | None = None
    trace_id: str | None = None
    detail: str | None = None
    consumed_by: list[Consumption] = []
    dead_letters: list[DeadLetterRef] = []


class Trail(BaseModel):
    application_id: str
    call_id: str | None
    state: str
    """recommended | in_progress | stuck | ended_ineligible | withdrawn | not_found"""
    stuck_at: str | None
    steps: list[Step]
    withdrawn_at: datetime | None
    services: dict[str, str]
    """Each service asked: ok, or why it did not answer."""


class ServiceClient:
    """Calls the services' `/v1/ops` endpoints with the operator's own token."""

    def __init__(self, urls: dict[str, str], client: httpx.AsyncClient) -> None:
        self.urls = urls
        self.client = client

    async def get(self, service: str, path: str, auth: str | None, **params: Any) -> Any:
        response = await self.client.get(
            self.urls[service].rstrip("/") + path,
            params={k: v for k, v in params.items() if v is not None},
            headers={"Authorization": auth} if auth else {},
        )
        response.raise_for_status()
        return response.json()

    async def post(self, service: str, path: str, auth: str | None, body: Any = None) -> Any:
        response = await self.client.post(
            self.urls[service].rstrip("/") + path,
            json=body,
            headers={"Authorization": auth} if auth else {},
        )
        return response

    async def each(self, path: str, auth: str | None, **params: Any) -> dict[str, tuple[Any, str]]:
        """GET path on every service at once: {service: (answer or None, "ok" or error)}."""

        async def one(service: str) -> tuple[str, tuple[Any, str]]:
            try:
                return service, (await self.get(service, path, auth, **params), "ok")
            except httpx.HTTPStatusError as exc:
                return service, (None, f"HTTP {exc.response.status_code}")
            except httpx.HTTPError as exc:
                return service, (None, f"unreachable: {type(exc).__name__}")

        pairs = await asyncio.gather(*(one(s) for s in self.urls))
        return dict(pairs)


def _trace_id(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 else None


async def where_is(services: ServiceClient, application_id: str, auth: str | None) -> Trail:
    first = await services.each("/v1/ops/events", auth, subject=application_id)
    health = {name: status for name, (_, status) in first.items()}
    published: dict[str, list[dict[str, Any]]] = {
        name: answer["published"] for name, (answer, _) in first.items() if answer
    }
    event_ids = sorted({e["event_id"] for events in published.values() for e in events})
    consumed: dict[str, dict[str, datetime]] = {}
    dead: dict[str, list[DeadLetterRef]] = {}
    for name, (answer, _) in first.items():
        for d in (answer or {}).get("dead_letters", []):
            dead.setdefault(d["event_id"], []).append(_dead_ref(name, d))
    if event_ids:
        second = await services.each("/v1/ops/events", auth, event_id=event_ids)
        for name, (answer, status) in second.items():
            if answer is None:
                health[name] = status
                continue
            for c in answer["consumed"]:
                consumed.setdefault(c["event_id"], {})[name] = datetime.fromisoformat(
                    c["processed_at"]
                )
            for d in answer["dead_letters"]:
                refs = dead.setdefault(d["event_id"], [])
                if all(r.id != d["id"] or r.service != name for r in refs):
                    refs.append(_dead_ref(name, d))

    def latest(spec: StepSpec) -> dict[str, Any] | None:
        found = [e for e in published.get(spec.service, []) if e["type"] in spec.types]
        return max(found, key=lambda e: e["time"]) if found else None

    withdrawn = next((e for e in published.get("intake", []) if e["type"] == WITHDRAWN), None)
    steps: list[Step] = []
    stuck_at: str | None = None
    state = "in_progress"
    previous: dict[str, Any] | None = None
    ended = False
    call_id: str | None = None
    for spec in STEPS:
        event = latest(spec)
        if ended:
            steps.append(Step(name=spec.name, service=spec.service, status="not_applicable"))
            continue
        if event is not None:
            call_id = call_id or event["data"].get("call_id")
            steps.append(_done(spec, event, consumed, dead))
            previous = event
            if spec.name == "assessed" and event["data"].get("outcome") == "ineligible":
                ended, state = True, "ended_ineligible"
            continue
        if stuck_at is not None:
            steps.append(Step(name=spec.name, service=spec.service, status="not_reached"))
            continue
        stuck_at = spec.name
        steps.append(_diagnose(spec, previous, consumed, dead, health))
    if steps[0].status != "done":
        state = "not_found"
        stuck_at = None
        steps[0].status = "unknown" if health.get("intake") != "ok" else "not_reached"
        steps[0].detail = (
            f"intake did not answer ({health.get('intake')})"
            if health.get("intake") != "ok"
            else "intake has no retained ApplicationSubmitted for this id"
        )
    elif stuck_at is None and not ended:
        state = "recommended"
    elif any(s.status == "stuck" for s in steps):
        state = "stuck"
    if withdrawn is not None:
        state = "withdrawn"
    return Trail(
        application_id=application_id,
        call_id=call_id,
        state=state,
        stuck_at=stuck_at,
        steps=steps,
        withdrawn_at=datetime.fromisoformat(withdrawn["time"]) if withdrawn else None,
        services=health,
    )


def _dead_ref(service: str, d: dict[str, Any]) -> DeadLetterRef:
    return DeadLetterRef(
        service=service,
        id=d["id"],
        error=d["error"],
        dead_lettered_at=datetime.fromisoformat(d["dead_lettered_at"]),
        replay_count=d["replay_count"],
        applied=d["applied"],
    )


def _done(
    spec: StepSpec,
    event: dict[str, Any],
    consumed: dict[str, dict[str, datetime]],
    dead: dict[str, list[DeadLetterRef]],
) -> Step:
    outcome = event["data"].get("outcome")
    return Step(
        name=spec.name,
        service=spec.service,
        status="done",
        at=datetime.fromisoformat(event["time"]),
        event_id=event["event_id"],
        type=event["type"],
        trace_id=_trace_id(event.get("traceparent")),
        detail=f"outcome: {outcome}" if outcome else None,
        consumed_by=[
            Consumption(service=s, processed_at=at)
            for s, at in sorted(consumed.get(event["event_id"], {}).items())
        ],
        dead_letters=dead.get(event["event_id"], []),
    )


def _diagnose(
    spec: StepSpec,
    previous: dict[str, Any] | None,
    consumed: dict[str, dict[str, datetime]],
    dead: dict[str, list[DeadLetterRef]],
    health: dict[str, str],
) -> Step:
    step = Step(name=spec.name, service=spec.service, status="waiting")
    consumer = spec.consumer_of_previous
    if previous is None or consumer is None:
        return step
    what = short_type(previous["type"])
    if health.get(consumer) != "ok":
        step.status = "unknown"
        step.detail = f"{consumer} did not answer ({health.get(consumer)})"
        return step
    letters = [d for d in dead.get(previous["event_id"], []) if d.service == consumer]
    if letters and not any(d.applied for d in letters):
        step.status = "stuck"
        step.dead_letters = letters
        step.detail = f"{consumer} dead-lettered {what}: {letters[-1].error}"
        return step
    taken = consumed.get(previous["event_id"], {}).get(consumer)
    if taken is None:
        step.detail = f"{consumer} has not consumed {what} yet (consumer lag, or it is down)"
    elif spec.name == "scored":
        step.detail = f"scoring took {what} at {taken.isoformat()}; the panel has not scored yet"
    elif spec.name == "recommended":
        step.detail = f"scoring scored at {previous['time']}; no ranking recommended it yet"
    else:
        step.detail = f"{consumer} took {what} at {taken.isoformat()} but published no result"
    return step
