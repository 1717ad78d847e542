"""How a mail leaves: written to a folder (the embedded default) or sent over SMTP."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class FolderSender:
    """Each mail as an .eml file in a folder: readable, and no server needed."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ident = str(message["Message-ID"]).strip("<>").replace("/", "_").replace("@", "_at_")
        target = self.folder / f"{ident}.eml"
        partial = target.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        partial.replace(target)


class SmtpSender:
    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            timeout=self.timeout_s,
            start_tls=False,
            use_tls=False,
        )
