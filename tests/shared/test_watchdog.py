"""The suite's watchdog: a hung test fails with its tasks' stacks, and the run goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HANGING = """
import asyncio


async def test_waits_for_ever():
    await asyncio.Event().wait()


def test_after_it():
    assert True
"""


def test_a_hung_test_fails_with_its_task_stack_and_the_next_test_still_runs(tmp_path):
    (tmp_path / "test_hang.py").write_text(HANGING)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.support.watchdog",
            "-o",
            "asyncio_mode=auto",
            str(tmp_path / "test_hang.py"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NIC_TEST_TIMEOUT_S": "2"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "1 failed, 1 passed" in out
    assert "test exceeded 2s" in out
    assert "await asyncio.Event().wait()" in out  # the hung task's own line
