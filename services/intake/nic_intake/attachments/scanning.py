"""Virus scanning of uploads: ClamAV's clamd over its INSTREAM protocol, or no scanner.

An upload is scanned after it is stored and before its row is written. Infected: the bytes
are deleted and the upload refused (422, the signature named). No scanner configured, or
clamd not answering: the attachment is kept as `unscanned`, which the submit refuses unless
`allow_unscanned_attachments` says otherwise. Never silently accepted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

log = logging.getLogger(__name__)

_PIECE = 256 * 1024  # clamd reads INSTREAM in chunks; each is length-prefixed


class ScanStatus(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNSCANNED = "unscanned"


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    engine: str
    signature: str | None = None


class Scanner(Protocol):
    async def scan(self, chunks: AsyncIterator[bytes]) -> ScanResult: ...


class NoScanner:
    """No scanner configured: every upload is held as unscanned."""

    async def scan(self, chunks: AsyncIterator[bytes]) -> ScanResult:
        return ScanResult(ScanStatus.UNSCANNED, "none")


class ClamdScanner:
    """clamd at `unix:/path/clamd.sock` or `tcp:host:port`."""

    def __init__(self, address: str, timeout_s: float, connect_wait_s: float = 0.0) -> None:
        kind, _, where = address.partition(":")
        if kind not in ("unix", "tcp") or not where:
            raise ValueError(f"clamd address {address!r}: use unix:/path or tcp:host:port")
        self.kind, self.where, self.timeout_s = kind, where, timeout_s
        self.connect_wait_s = connect_wait_s

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection, waiting up to `connect_wait_s` for a clamd still loading."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.connect_wait_s
        while True:
            try:
                if self.kind == "unix":
                    return await asyncio.open_unix_connection(self.where)
                host, _, port = self.where.rpartition(":")
                return await asyncio.open_connection(host, int(port))
            except OSError:
                if loop.time() >= give_up:
                    raise
                await asyncio.sleep(0.25)

    async def scan(self, chunks: AsyncIterator[bytes]) -> ScanResult:
        try:
            async with asyncio.timeout(self.timeout_s + self.connect_wait_s):
                reply = await self._instream(chunks)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
            log.warning("clamd unavailable; upload held as unscanned", extra={"error": repr(exc)})
            return ScanResult(ScanStatus.UNSCANNED, "clamd")
        return parse_reply(reply)

    async def _instream(self, chunks: AsyncIterator[bytes]) -> str:
        reader, writer = await self._open()
        try:
            writer.write(b"zINSTREAM\0")
            async for chunk in chunks:
                for start in range(0, len(chunk), _PIECE):
                    piece = chunk[start : start + _PIECE]
                    writer.write(len(piece).to_bytes(4, "big") + piece)
                    await writer.drain()
            writer.write((0).to_bytes(4, "big"))
            await writer.drain()
            return (await reader.readuntil(b"\0")).rstrip(b"\0").decode(errors="replace")
        finally:
            writer.close()
            await writer.wait_closed()


def parse_reply(reply: str) -> ScanResult:
    """`stream: OK`, `stream: <signature> FOUND`, or `... ERROR` (size limit, ...)."""
    text = reply.removeprefix("stream:").strip()
    if text == "OK":
        return ScanResult(ScanStatus.CLEAN, "clamd")
    if text.endswith(" FOUND"):
        return ScanResult(ScanStatus.INFECTED, "clamd", text.removesuffix(" FOUND"))
    log.warning("clamd could not scan; upload held as unscanned", extra={"reply": reply[:200]})
    return ScanResult(ScanStatus.UNSCANNED, "clamd")


def scanner_for(address: str | None, timeout_s: float, connect_wait_s: float) -> Scanner:
    return ClamdScanner(address, timeout_s, connect_wait_s) if address else NoScanner()
