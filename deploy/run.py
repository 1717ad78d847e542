"""`make run`: migrate the SQLite databases, then start the broker and the services.

Everything runs under honcho (a Procfile runner): one coloured log stream, and Ctrl-C
stops every process cleanly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nic_shared.listen import cannot_listen_line, port_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clamd import clamd_binary  # deploy/clamd.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {
    "intake": 8001,
    "eligibility": 8002,
    "scoring": 8003,
    "registry": 8004,
    "operations": 8005,
}


def taken_ports(env: dict[str, str]) -> list[str]:
    """One line for each process whose port is taken (the broker and every service)."""
    wanted = [("broker", "127.0.0.1", int(env.get("NIC_BROKER_PORT", "9092")), "NIC_BROKER_PORT")]
    for name, default in SERVICES.items():
        variable = f"NIC_{name.upper()}_PORT"
        host = env.get(f"NIC_{name.upper()}_HOST", "127.0.0.1")
        wanted.append((name, host, int(env.get(variable, default)), variable))
    lines = []
    for who, host, port, variable in wanted:
        problem = port_problem(host, port)
        if problem is not None:
            lines.append("run.py: " + cannot_listen_line(who, host, port, problem, variable))
    return lines


def virus_scanner(env: dict[str, str]) -> list[str]:
    """Procfile lines for clamd where Debian's clamav-daemon is installed (intake scans every
    upload with it, on the signatures in deploy/clamav); otherwise none, and intake accepts
    unscanned attachments, marked so, after saying so here."""
    if clamd_binary() is None:
        env.setdefault("NIC_INTAKE_ALLOW_UNSCANNED_ATTACHMENTS", "true")
        print(
            "run.py: no virus scanner (apt-get install clamav-daemon): attachments are kept "
            "as unscanned and accepted for development",
            file=sys.stderr,
        )
        return []
    folder = Path(env.setdefault("NIC_CLAMD_DIR", str(ROOT / ".data" / "clamav"))).resolve()
    env.setdefault("NIC_INTAKE_CLAMD_ADDRESS", f"unix:{folder / 'clamd.sock'}")
    return ["clamd: python deploy/clamd.py"]


def procfile(extra: list[str]) -> Path:
    """deploy/Procfile, with the lines this machine adds (clamd), under .data/."""
    lines = (ROOT / "deploy" / "Procfile").read_text().splitlines() + extra
    generated = ROOT / ".data" / "Procfile"
    generated.write_text("\n".join(lines) + "\n")
    return generated


def main() -> int:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    broker = f"127.0.0.1:{env.get('NIC_BROKER_PORT', '9092')}"
    taken = taken_ports(env)
    if taken:
        print("\n".join(taken), file=sys.stderr, flush=True)
        return 3
    (ROOT / ".data").mkdir(exist_ok=True)
    extra = virus_scanner(env)
    for name in SERVICES:
        env.setdefault(f"NIC_{name.upper()}_KAFKA_BOOTSTRAP", broker)
        subprocess.run(
            [sys.executable, "-m", f"nic_{name}", "migrate"], cwd=ROOT, env=env, check=True
        )
    print("\nNIC call platform (embedded: SQLite under .data/, Tansu broker on " + broker + ")")
    for name, port in SERVICES.items():
        port = int(env.get(f"NIC_{name.upper()}_PORT", port))
        print(f"  {name:<12} http://127.0.0.1:{port}/docs   (ready: /readyz)")
    ops_port = int(env.get("NIC_OPERATIONS_PORT", SERVICES["operations"]))
    print(f"  the operations page: http://127.0.0.1:{ops_port}/ops#token=<an operations token>")
    print("  a dev token: .venv/bin/python -m nic_shared.devtoken --role programme_officer")
    print("Ctrl-C stops everything.\n", flush=True)
    return subprocess.call(
        [
            sys.executable,
            "-m",
            "honcho",
            "-f",
            str(procfile(extra)),
            "-d",
            str(ROOT),
            "start",
        ],
        cwd=ROOT,
        env=env,
    )


if __name__ == "__main__":
    raise SystemExit(main())
