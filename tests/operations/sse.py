"""A Server-Sent Events reader for tests: real HTTP, events parsed into a queue."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


class SseReader:
    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.ready = asyncio.Event()
        self.status: int | None = None
        self.problem: dict[str, Any] | None = None
        self.retry_ms: int | None = None
        self.ready_id: str | None = None
        self.last_id: str | None = None
        """What EventSource would send as Last-Event-ID now (ids without data count too)."""
        self.id_of: dict[str, str] = {}
        """The SSE id each event (by its event id) arrived with."""

    async def _read(self, client: httpx.AsyncClient, params: dict[str, Any], headers: Any) -> None:
        async with client.stream("GET", "/v1/stream", params=params, headers=headers) as response:
            self.status = response.status_code
            if response.status_code != 200:
                self.problem = json.loads(await response.aread())
                self.ready.set()
                return
            name, data, sse_id = "message", [], self.last_id
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line.startswith("id:"):
                    sse_id = line[3:].strip()
                elif line.startswith("retry:"):
                    self.retry_ms = int(line[6:].strip())
                elif line == "":
                    self.last_id = sse_id  # as EventSource: even when there is no data
                    if name == "ready":
                        self.ready_id = sse_id
                        self.ready.set()
                    elif data and name == "message":
                        event = json.loads("\n".join(data))
                        if sse_id is not None:
                            self.id_of[event["id"]] = sse_id
                        await self.events.put(event)
                    name, data = "message", []

    async def take(self, n: int, timeout_s: float = 30.0) -> list[dict[str, Any]]:
        """Up to n events, waiting at most timeout_s in all."""
        got: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while len(got) < n and loop.time() < end:
            try:
                got.append(await asyncio.wait_for(self.events.get(), end - loop.time()))
            except TimeoutError:
                break
        return got


@contextlib.asynccontextmanager
async def sse(
    client: httpx.AsyncClient, params: dict[str, Any], headers: Any = None
) -> AsyncIterator[SseReader]:
    reader = SseReader()
    task = asyncio.create_task(reader._read(client, params, headers))
    try:
        await asyncio.wait_for(reader.ready.wait(), timeout=20)
        yield reader
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
