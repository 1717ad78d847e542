"""What `serve` needs beyond uvicorn: several HTTP worker processes, metrics summed across
them, and one process per SQLite file.

With `http_workers` > 1 uvicorn starts that many worker processes (spawned, so each builds
its own app) and needs the app as an import string: `worker_app` is that factory. It reads
which service to build from variables `serve` sets before the workers start, builds the
settings from the environment again and the app from them, exactly as one process does.
Each worker runs its own background workers (outbox relay, consumer, mail...).

Metrics: prometheus_client's multiprocess mode. `serve` gives the workers a fresh
PROMETHEUS_MULTIPROC_DIR (its own temporary folder, removed when it stops, or the one the
environment names, emptied first); each worker writes its values there and `/metrics`
answers the sum over every worker (`nic_shared.metrics`).

SQLite takes one writer process: several workers, or a second `serve` against the same
file, are refused in one line before uvicorn starts. The second instance is found by an
exclusive `flock` on `<database file>.lock`, held for the life of the process.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import importlib
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
WEB_CONCURRENCY = "WEB_CONCURRENCY"
# Set by `serve` for its workers: which settings and app to build, and who supervises them.
SETTINGS_FACTORY = "NIC_SERVE_SETTINGS_FACTORY"
APP_FACTORY = "NIC_SERVE_APP_FACTORY"
SUPERVISOR_PID = "NIC_SERVE_SUPERVISOR_PID"

WORKER_APP = "nic_shared.serving:worker_app"

_PR_SET_PDEATHSIG = 1
_held_locks: list[int] = []  # lock file descriptors, open for the life of the process


class Refused(Exception):
    """`serve` cannot start: the one line to print, and the exit code."""

    def __init__(self, line: str, code: int) -> None:
        super().__init__(line)
        self.line = line
        self.code = code


# -- how many workers --------------------------------------------------------------------


def http_workers(settings: ServiceSettings, environ: Mapping[str, str]) -> tuple[int, str]:
    """How many uvicorn worker processes to run, and which setting said so.

    `NIC_<SERVICE>_HTTP_WORKERS` wins; unset, `WEB_CONCURRENCY` (the convention uvicorn and
    gunicorn read); neither: 1."""
    variable = f"NIC_{settings.service_name.upper()}_HTTP_WORKERS"
    if settings.http_workers is not None:
        return settings.http_workers, variable
    text = environ.get(WEB_CONCURRENCY, "").strip()
    if not text:
        return 1, variable
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise Refused(
            f"{settings.service_name} cannot start: {WEB_CONCURRENCY}={text!r} is not a "
            f"number of workers (1 or more); unset it or set {variable}",
            2,
        )
    return count, WEB_CONCURRENCY


# -- SQLite ------------------------------------------------------------------------------


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names (absolute), or None: not SQLite, or in memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database.startswith("file:"):  # URI filenames (uri=true)
        if "mode=memory" in database:
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
    if database in {"", ":memory:"}:
        return None
    return Path(database).resolve()


def refuse_workers_on_sqlite(settings: ServiceSettings, workers: int, source: str) -> None:
    """Several worker processes on one SQLite file: refused, saying why and what instead."""
    path = sqlite_file(settings.database_url)
    if workers <= 1 or path is None:
        return
    raise Refused(
        f"{settings.service_name} cannot run {workers} HTTP workers ({source}={workers}) on "
        f"the SQLite database {path}: SQLite takes one process per database file; "
        "run one worker, or use PostgreSQL for several workers",
        2,
    )


def hold_sqlite_lock(settings: ServiceSettings) -> Path | None:
    """Take `<database file>.lock` for the life of this process, or refuse when another
    process holds it. Returns the lock file (None: not a SQLite file)."""
    path = sqlite_file(settings.database_url)
    if path is None:
        return None
    lock = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError:  # no folder: the database cannot open either, and says so
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_pid(fd)
        os.close(fd)
        who = f"process {holder}" if holder else "another process"
        raise Refused(
            f"{settings.service_name} cannot serve the SQLite database {path}: {who} "
            f"already serves it (lock {lock}); SQLite takes one instance per database "
            "file: stop that one, or use PostgreSQL for several instances",
            3,
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held_locks.append(fd)
    return lock


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


# -- metrics across workers --------------------------------------------------------------


@contextlib.contextmanager
def metrics_folder(service: str, environ: MutableMapping[str, str]) -> Iterator[Path]:
    """A PROMETHEUS_MULTIPROC_DIR for this start of the service, set in `environ` (the
    workers inherit it): the one named there, emptied of old values, or a fresh temporary
    folder, removed afterwards."""
    named = environ.get(MULTIPROC_DIR)
    if named:
        folder = Path(named)
        folder.mkdir(parents=True, exist_ok=True)
        clear_metrics_folder(folder)
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix=f"nic-{service}-metrics-"))
    environ[MULTIPROC_DIR] = str(folder)
    try:
        yield folder
    finally:
        environ.pop(MULTIPROC_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)


def clear_metrics_folder(folder: Path) -> None:
    """Remove the value files an earlier run left (they would be summed in)."""
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


_LIVE_FILE = re.compile(r"^gauge_live\w+_(\d+)\.db$")


def forget_dead_workers(folder: Path) -> list[int]:
    """`mark_process_dead` for every worker whose live gauges are still on disk but whose
    process is gone (killed, so it could not say so itself). Returns their pids."""
    from prometheus_client import multiprocess

    dead = sorted(
        {
            int(match.group(1))
            for name in os.listdir(folder)
            if (match := _LIVE_FILE.match(name)) and not _alive(int(match.group(1)))
        }
    )
    for pid in dead:
        multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
    return dead


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the workers -------------------------------------------------------------------------


def import_string(factory: Callable[..., Any]) -> str:
    """`module:qualname` of a module-level function or class, checked to import back to
    the same object (a lambda or a closure cannot be rebuilt in a worker)."""
    text = f"{factory.__module__}:{factory.__qualname__}"
    if "<" in text or _load(text) is not factory:
        raise Refused(
            f"several HTTP workers need module-level settings and app factories; {text} "
            "cannot be imported by name",
            2,
        )
    return text


def _load(text: str) -> Any:
    module, _, name = text.partition(":")
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found


def worker_environ(
    settings_factory: Callable[[], ServiceSettings], app_factory: Callable[[Any], FastAPI]
) -> dict[str, str]:
    """What `worker_app` reads in each worker: which factories, and the supervisor's pid."""
    return {
        SETTINGS_FACTORY: import_string(settings_factory),
        APP_FACTORY: import_string(app_factory),
        SUPERVISOR_PID: str(os.getpid()),
    }


def worker_app() -> FastAPI:
    """The app of one uvicorn worker process (`uvicorn.run(WORKER_APP, factory=True)`)."""
    _stop_with_supervisor()
    settings = _load(os.environ[SETTINGS_FACTORY])()
    app: FastAPI = _load(os.environ[APP_FACTORY])(settings)
    folder = os.environ.get(MULTIPROC_DIR)
    if folder:
        forget_dead_workers(Path(folder))
        atexit.register(_mark_dead, os.getpid(), folder)
    log.info("worker started", extra={"pid": os.getpid()})
    return app


def _mark_dead(pid: int, folder: str) -> None:
    from prometheus_client import multiprocess

    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]


def _stop_with_supervisor() -> None:
    """A worker whose supervisor dies (even by SIGKILL) gets SIGTERM and stops cleanly,
    instead of serving on as an orphan nobody will stop (Linux; elsewhere nothing)."""
    expected = os.environ.get(SUPERVISOR_PID)
    if not sys.platform.startswith("linux") or not expected:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if str(os.getppid()) != expected:  # it died before prctl took effect
        raise SystemExit(f"worker {os.getpid()}: its supervisor {expected} is gone")
