"""The event contract as an AsyncAPI 3 document, generated from the event catalogue.

Channels are the topics (one per producing service, plus its dead-letter topic), messages
are the event types, each payload the CloudEvents envelope whose `data` is the pydantic
model's JSON Schema. Every service serves it at `/asyncapi.json`; `docs/asyncapi.json` is
the checked-in copy a test compares with this generator. Regenerate it with

    .venv/bin/python -m nic_shared.asyncapi --write docs/asyncapi.json
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from nic_shared.events import CATALOGUE, TOPICS, EventPayload

_REF = "#/components/schemas/{model}"
_SERVICES = {
    "nic.intake": "intake",
    "nic.eligibility": "eligibility",
    "nic.scoring": "scoring",
    "nic.registry": "registry",
}


def _channel_id(topic: str) -> str:
    return "".join(part.capitalize() if i else part for i, part in enumerate(topic.split(".")))


def _message_id(event_type: str) -> str:
    """`no.nic.application.submitted.v1` -> `application.submitted.v1`."""
    return event_type.removeprefix("no.nic.")


def _envelope(event_type: str, model: type[EventPayload]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A CloudEvents 1.0 envelope (structured JSON mode).",
        "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "minLength": 1, "description": "Unique; consumers dedupe."},
            "source": {"type": "string", "examples": ["/nic/intake"]},
            "type": {"const": event_type},
            "subject": {"type": "string", "description": "The entity's id; the Kafka key."},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "traceparent": {"type": "string", "description": "W3C trace context."},
            "data": {"$ref": _REF.format(model=model.__name__)},
        },
    }


def document(catalogue: dict[str, type[EventPayload]] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document for a catalogue (the shared one by default)."""
    if catalogue is None:
        return copy.deepcopy(_shared_document())
    return _build(catalogue)


@functools.cache
def _shared_document() -> dict[str, Any]:
    return _build(CATALOGUE)


def _build(catalogue: dict[str, type[EventPayload]]) -> dict[str, Any]:
    models = sorted(catalogue.items())
    _, defs = models_json_schema([(model, "validation") for _, model in models], ref_template=_REF)
    schemas: dict[str, Any] = dict(sorted(defs.get("$defs", {}).items()))
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in TOPICS:
        channel = _channel_id(topic)
        service = _SERVICES.get(topic, topic)
        in_topic = [(t, m) for t, m in models if topic == m.TOPIC]
        channel_messages = {}
        for event_type, model in in_topic:
            message_id = _message_id(event_type)
            messages[message_id] = {
                "name": model.__name__,
                "title": event_type,
                "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
                "contentType": "application/cloudevents+json",
                "headers": {
                    "type": "object",
                    "description": (
                        "CloudEvents structured mode (Kafka binding 1.0): the value is the "
                        "whole event; no ce_* headers."
                    ),
                    "required": ["content-type"],
                    "properties": {
                        "content-type": {"const": "application/cloudevents+json; charset=UTF-8"},
                        "traceparent": {"type": "string"},
                    },
                },
                "payload": _envelope(event_type, model),
                "bindings": {
                    "kafka": {
                        "key": {"type": "string", "description": "The event's subject."},
                        "bindingVersion": "0.5.0",
                    }
                },
            }
            channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        channels[channel] = {
            "address": topic,
            "title": topic,
            "description": f"Events {service} publishes, keyed by subject (ordered per entity).",
            "messages": channel_messages,
        }
        channels[f"{channel}Dlq"] = {
            "address": f"{topic}.dlq",
            "title": f"{topic}.dlq",
            "description": (
                f"Events of {topic} a consumer could not handle: the original record with "
                "headers nic_error, nic_error_type, nic_origin_topic, nic_origin_partition, "
                "nic_origin_offset, nic_attempts, nic_consumer_group."
            ),
            "messages": dict(channel_messages),
        }
        operations[f"{service}Publishes"] = {
            "action": "send",
            "title": f"{service} publishes",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [
                {"$ref": f"#/channels/{channel}/messages/{mid}"} for mid in channel_messages
            ],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "NIC call platform events",
            "version": "1.0.0",
            "description": (
                "The events the NIC services exchange over Kafka, generated from "
                "nic_shared.events.CATALOGUE. Event types are versioned "
                "(no.nic.<entity>.<verb>.v<N>); a breaking change is a new type."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "embedded": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "make run's Tansu broker",
            },
            "production": {"host": "kafka:9092", "protocol": "kafka"},
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print or write the AsyncAPI document.")
    parser.add_argument("--write", type=Path, help="write to this file instead of stdout")
    args = parser.parse_args(argv)
    text = render(document())
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
