"""A real clamd (Debian's clamav-daemon) on the signatures shipped in deploy/clamav, for the
tests that scan uploads. Skips only where clamd is not installed (CI installs it)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.clamd import clamd_binary, write_config


def eicar() -> bytes:
    """The EICAR anti-virus test file, put together here so no scanner flags this source."""
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-" + b"STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@contextlib.contextmanager
def running_clamd(folder: Path, timeout_s: float = 30.0) -> Iterator[Path]:
    """clamd in the foreground on a unix socket under `folder`; yields the socket path."""
    binary = clamd_binary()
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    config, sock = write_config(folder)
    log = open(folder / "clamd.out", "wb")  # noqa: SIM115
    process = subprocess.Popen([binary, "--config-file", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + timeout_s
        while not _answers(sock):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"clamd did not start: {(folder / 'clamd.out').read_text()}")
            time.sleep(0.1)
        yield sock
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _answers(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(path))
            s.sendall(b"zPING\0")
            return s.recv(16).startswith(b"PONG")
        except OSError:
            return False
