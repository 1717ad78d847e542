"""wrk runs and the CPU they cost, for the benchmarks that drive HTTP with wrk.

wrk (Debian's package; `deploy/ensure-wrk.sh`) is a compiled closed-loop load generator:
its client costs a fraction of the server's CPU, where a Python client costs as much as the
server. `bench/wrk_post.lua` sends the POSTs with a fresh Idempotency-Key each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.environment import platform_environ
from tests.support.ports import wait_for_port

LUA = Path(os.environ.get("NIC_BENCH_WRK_SCRIPT", str(Path(__file__).with_name("wrk_post.lua"))))


@dataclass
class Run:
    rate: float
    p50_ms: float
    p99_ms: float
    ok: int
    errors: int
    server_cpu: float = 0.0
    """The server's processes' CPU time over the run's wall time (1.0 = one core)."""
    client_cpu: float = 0.0
    """wrk's, likewise."""

    def line(self) -> str:
        return (
            f"{self.rate:6.0f}/s p50 {self.p50_ms:6.1f} p99 {self.p99_ms:7.1f} ms "
            f"cpu {self.server_cpu:4.2f} (wrk {self.client_cpu:4.2f})"
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and every process below it (from /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += [child for child, parent in parents.items() if parent == current]
    return total


def wrk_bin() -> str:
    found = os.environ.get("NIC_BENCH_WRK_BIN") or shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: run deploy/ensure-wrk.sh (Debian package wrk)")
    return found


def wrk(
    url: str,
    mode: str,
    source: Path,
    connections: int,
    duration: float,
    server: int = 0,
    *,
    token: str,
) -> Run:
    """One wrk run; with `server` (a pid) the CPU shares of it and of wrk."""
    threads = 2
    server_before, client_before, began = (
        cpu_seconds(server) if server else 0.0,
        os.times(),
        time.monotonic(),
    )
    out = subprocess.run(
        [wrk_bin(), f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "10s",
         "-s", str(LUA), url, "--", mode, str(source), token, uuid.uuid4().hex,
         str(threads)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for x in out.stdout.splitlines():
        if x.startswith("STATUS "):
            print("   ", x[:300], flush=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRK_RESULT "))
    r = json.loads(line.removeprefix("WRK_RESULT "))
    errors = r["status_errors"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    wall, client_after = time.monotonic() - began, os.times()
    client = (client_after.children_user + client_after.children_system
              - client_before.children_user - client_before.children_system)  # fmt: skip
    return Run(
        r["requests"] / (r["duration_us"] / 1e6),
        r["p50_us"] / 1000,
        r["p99_us"] / 1000,
        r["requests"] - r["status_errors"],
        errors,
        (cpu_seconds(server) - server_before) / wall if server else 0.0,
        client / wall,
    )


def start(cmd: list[str], env: dict[str, str], port: int, cwd: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        cmd, env={**platform_environ(), **env}, cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port, 60)
    return process


def ready(url: str, workers: int) -> None:
    """Until `workers` distinct processes answered /healthz (a supervisor binds the port
    before its workers have built the app); they answer on one shared socket."""
    until = time.monotonic() + 60
    while time.monotonic() < until:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    time.sleep(2.0 * workers)  # every worker started, its background tasks settled
