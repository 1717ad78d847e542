"""`python -m nic_operations events tail --type application.submitted [--subject ...]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from nic_operations import stream
from nic_operations.settings import OperationsSettings


def add_events_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    events = sub.add_parser("events", help="watch the platform's events")
    verbs = events.add_subparsers(dest="verb", required=True)
    tail = verbs.add_parser("tail", help="print events as they arrive (Ctrl-C stops)")
    tail.add_argument("--type", action="append", help="event type, full or short; repeatable")
    tail.add_argument("--topic", action="append", help="e.g. nic.intake or nic.intake.dlq")
    tail.add_argument("--subject", help="one entity, e.g. an application id")
    tail.add_argument("--call", help="events of one call")
    tail.add_argument("--since", default="now", help="`now` or an ISO time with zone")
    tail.add_argument("--json", action="store_true", help="one JSON object per line")
    tail.add_argument("--limit", type=int, default=0, help="stop after N events (0: never)")


def line(item: stream.StreamedEvent) -> str:
    trace = (item.traceparent or "").split("-")
    parts = [
        item.time.isoformat(timespec="milliseconds"),
        item.type,
        f"subject={item.subject}",
        f"id={item.id}",
        f"{item.topic}/{item.partition}@{item.offset}",
    ]
    if len(trace) == 4:
        parts.append(f"trace={trace[1]}")
    if item.error:
        parts.append(f"error={item.error!r}")
    return "  ".join(parts)


async def tail(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    settings = OperationsSettings()
    flt = stream.StreamFilter.build(
        topics=args.topic, types=args.type, subject=args.subject, call_id=args.call
    )
    seen = 0
    since = stream.parse_since(args.since)
    async for item in stream.tail(settings, flt, since, reorder_ms=settings.stream_reorder_ms):
        if item is None:
            continue
        print(
            json.dumps(item.to_json(full=True), default=str) if args.json else line(item), file=out
        )
        out.flush()
        seen += 1
        if args.limit and seen >= args.limit:
            break
    return 0


def run_events(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(tail(args))
    except KeyboardInterrupt:
        return 0
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
