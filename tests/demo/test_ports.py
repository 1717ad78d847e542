"""A port that cannot be had is named in one line, with the process that wanted it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from demo.platform import Platform
from tests.demo.occupied import listening_on
from tests.support.environment import platform_environ
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_a_service_whose_port_is_taken_says_which_service_and_port() -> None:
    port = free_port()
    env = platform_environ() | {
        "NIC_OPERATIONS_PORT": str(port),
        "NIC_OPERATIONS_DATABASE_URL": "sqlite+aiosqlite:///:memory:",
    }
    with listening_on(port) as held:
        assert held
        done = subprocess.run(
            [sys.executable, "-m", "nic_operations", "serve"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 3
    assert (
        f"operations cannot listen on 127.0.0.1:{port}: address already in use "
        "(set NIC_OPERATIONS_PORT to use another port)"
    ) in done.stderr.splitlines()


def test_the_platform_names_the_service_and_port_it_cannot_have(tmp_path: Path) -> None:
    port = free_port()
    platform = Platform(tmp_path)
    platform.ports["operations"] = port
    with listening_on(port) as held:
        assert held
        with pytest.raises(RuntimeError) as failure:
            platform.start(timeout_s=60)
        platform.stop()
    message = str(failure.value)
    assert f"operations cannot listen on 127.0.0.1:{port}: address already in use" in message
    assert "\n" not in message
