"""Where attachment bytes live, behind an interface so an object store can follow.

The local store writes into the data folder: first to a temporary name, renamed into
place only when the whole upload arrived within the limit, so a broken upload leaves
nothing behind. The SHA-256 is computed while the bytes stream through.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class TooLarge(Exception):
    """The upload went past the size limit; nothing was stored."""


@dataclass(frozen=True)
class StoredBlob:
    size_bytes: int
    sha256: str


class AttachmentStorage(Protocol):
    async def save(
        self, key: str, chunks: AsyncIterator[bytes], *, max_bytes: int
    ) -> StoredBlob: ...

    def read(self, key: str) -> AsyncIterator[bytes]: ...

    async def delete(self, key: str) -> None: ...


class LocalStorage:
    """Attachments as files under one folder, named by their storage key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

    async def save(self, key: str, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StoredBlob:
        final = self._path(key)
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".part")
        digest = hashlib.sha256()
        size = 0
        handle = await asyncio.to_thread(partial.open, "wb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"the upload exceeds {max_bytes} bytes")
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
        except BaseException:
            await asyncio.to_thread(handle.close)
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            raise
        await asyncio.to_thread(handle.close)
        await asyncio.to_thread(os.replace, partial, final)
        return StoredBlob(size_bytes=size, sha256=digest.hexdigest())

    async def read(self, key: str) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(self._path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)
