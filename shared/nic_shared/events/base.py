"""Typed, versioned event payloads and the catalogue that maps a CloudEvents `type` to its model.

Every payload class names its `type` (versioned, e.g. `no.nic.call.published.v1`) and the
topic of the service that produces it; defining the class registers it. Producers build
envelopes with `new_event`, consumers turn envelopes back into payloads with `parse`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from nic_shared.events.envelope import CloudEvent

CATALOGUE: dict[str, type[EventPayload]] = {}


class UnknownEventType(LookupError):
    """The envelope's `type` is not in the catalogue."""


class EventPayload(BaseModel):
    """Base of every event payload: frozen, and strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    OPS_SHOWN: ClassVar[frozenset[str]] = frozenset()
    """Fields beyond ids, times and statuses the operations role may see (redaction.py)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        type_name = cls.__dict__.get("TYPE")
        if type_name is None:
            return
        if type_name in CATALOGUE:
            raise RuntimeError(f"event type {type_name} defined twice")
        CATALOGUE[type_name] = cls

    def event_subject(self) -> str:
        """The id of the entity the event is about; it is also the Kafka key."""
        raise NotImplementedError


def new_event(payload: EventPayload, *, source: str, traceparent: str | None = None) -> CloudEvent:
    """Wrap a payload in a fresh envelope."""
    return CloudEvent(
        source=source,
        type=payload.TYPE,
        subject=payload.event_subject(),
        data=payload.model_dump(mode="json"),
        traceparent=traceparent,
    )


def parse(event: CloudEvent) -> EventPayload:
    """The typed payload of an envelope; raises UnknownEventType or pydantic.ValidationError."""
    model = CATALOGUE.get(event.type)
    if model is None:
        raise UnknownEventType(event.type)
    return model.model_validate(event.data)
