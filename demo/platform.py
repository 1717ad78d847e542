"""Start the platform the way a user does (`deploy/run.py`: migrate, then honcho runs the
broker and the five services), but into a data folder of its own on free ports, so it never
touches `.data/` or a platform `make run` already has on the standard ports: every process
gets a port, a database and a mail folder chosen here, and no NIC_* setting of the shell
reaches it.

Used by the demo's test and by `bench/deadline_rush.py`:

    with Platform(Path(tmp)) as platform:        # SQLite under tmp
        platform.urls.intake                     # http://127.0.0.1:<free port>
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from demo.run import Urls
from tests.support.environment import platform_environ
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_SERVICES = ("intake", "eligibility", "scoring", "registry")
SERVICES = (*DOMAIN_SERVICES, "operations")


@dataclass
class Platform:
    data_dir: Path
    database_urls: dict[str, str] = field(default_factory=dict)
    """Per service; SQLite files under `data_dir` for the ones not given."""
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SERVICES})
    broker_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def urls(self) -> Urls:
        return Urls(**{s: f"http://127.0.0.1:{self.ports[s]}" for s in DOMAIN_SERVICES})

    @property
    def operations_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['operations']}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.broker_port}"

    def database_url(self, service: str) -> str:
        return self.database_urls.get(service, f"sqlite+aiosqlite:///{self.data_dir / service}.db")

    def env(self) -> dict[str, str]:
        env = {**platform_environ(), "NIC_BROKER_PORT": str(self.broker_port)}
        for service in SERVICES:
            prefix = f"NIC_{service.upper()}_"
            env[prefix + "HOST"] = "127.0.0.1"
            env[prefix + "PORT"] = str(self.ports[service])
            env[prefix + "DATABASE_URL"] = self.database_url(service)
            env[prefix + "KAFKA_BOOTSTRAP"] = self.bootstrap
            env[prefix + "LOG_LEVEL"] = "WARNING"
            env[prefix + "MAIL_TRANSPORT"] = "folder"
            env[prefix + "MAIL_FOLDER"] = str(self.mail_dir(service))
        env["NIC_ELIGIBILITY_REGISTRY_URL"] = self.urls.registry
        env["NIC_INTAKE_DATA_DIR"] = str(self.data_dir / "intake")
        env["NIC_CLAMD_DIR"] = str(self.data_dir / "clamav")  # run.py starts clamd if installed
        env["NIC_OPERATIONS_SERVICE_URLS"] = json.dumps(
            {s: f"http://127.0.0.1:{self.ports[s]}" for s in DOMAIN_SERVICES}
        )
        env.update(self.extra_env)
        return env

    def mail_dir(self, service: str) -> Path:
        """Where `service`'s mails land (.eml files): the letters, receipts, reminders."""
        return self.data_dir / service / "mail"

    def start(self, timeout_s: float = 90) -> Platform:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "platform.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, str(ROOT / "deploy" / "run.py")],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends honcho and children
        )
        log.close()
        self.wait_ready(timeout_s)
        return self

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        pending = dict(self.ports)
        while pending:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(self.exit_reason())
            for service, port in list(pending.items()):
                try:
                    base = f"http://127.0.0.1:{port}"
                    ready = httpx.get(f"{base}/readyz", timeout=1).status_code == 200
                    if ready and httpx.get(f"{base}/readyz/broker", timeout=1).status_code == 200:
                        del pending[service]
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout_s}s: {sorted(pending)}")
            time.sleep(0.2)

    def exit_reason(self) -> str:
        """The platform's own one-line reasons (a port it cannot have), else where its log is."""
        log = self.data_dir / "platform.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        lines = [line.strip() for line in text.splitlines() if "cannot listen on" in line]
        where = f"see {log}"
        return (
            f"the platform exited: {'; '.join(dict.fromkeys(lines))} ({where})"
            if lines
            else (f"the platform exited; {where}")
        )

    def stop(self) -> None:
        """SIGINT to the process group run.py leads, as Ctrl-C would; SIGKILL if it lingers."""
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the group id is our child's pid
        try:
            os.killpg(pgid, signal.SIGINT)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.process = None

    def __enter__(self) -> Platform:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
