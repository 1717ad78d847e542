"""Services as child processes, started the way a user starts them (`python -m nic_<name>`),
so tests and benchmarks can stop them, kill them with SIGKILL, and start them again."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.environment import platform_environ
from tests.support.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def service_environ(name: str, settings: dict[str, Any], **extra: str) -> dict[str, str]:
    """The environment a service process reads `settings` from (NIC_<NAME>_<KEY>), with no
    platform setting of this shell; `extra` adds plain variables (WEB_CONCURRENCY, TMPDIR)."""
    env = platform_environ()
    for key, value in settings.items():
        text = json.dumps(value) if isinstance(value, list | dict | bool) else str(value)
        env[f"NIC_{name.upper()}_{key.upper()}"] = text
    return env | extra


class ServiceProcess:
    """One service in its own process, on a port fixed for its lifetime (restarts keep it)."""

    def __init__(self, name: str, settings: dict[str, Any], *, log: Path | None = None) -> None:
        self.name = name
        self.port = int(settings.get("port") or free_port())
        self.env = service_environ(name, {**settings, "port": self.port})
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", f"nic_{self.name}", "migrate"],
            env=self.env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )

    async def start(self, *, ready: bool = False, timeout_s: float = 30.0) -> None:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115, ASYNC230
        self.process = await asyncio.to_thread(
            subprocess.Popen,
            [sys.executable, "-m", f"nic_{self.name}", "serve"],
            env=self.env,
            stdout=out,
            stderr=out,
            cwd=ROOT,
        )
        await asyncio.to_thread(wait_for_port, self.port, timeout_s)
        if ready:
            await self.wait_ready(timeout_s)

    async def wait_ready(self, timeout_s: float = 30.0) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            for _ in range(int(timeout_s / 0.1)):
                try:
                    ready = (await client.get("/readyz")).status_code == 200
                    if ready and (await client.get("/readyz/broker")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout_s}s")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no offset commits, mid-transaction if need be."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 15)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None
