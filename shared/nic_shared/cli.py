"""The command line every service shares: `python -m nic_<service> [serve|migrate|...]`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

from nic_shared import logs, metrics, migrations, serving
from nic_shared.db import Database
from nic_shared.listen import cannot_listen_line, port_problem
from nic_shared.messaging_tables import MessagingTables
from nic_shared.outbox import republish_since
from nic_shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def run(
    settings_factory: Callable[[], S],
    app_factory: Callable[[S], FastAPI],
    migrations_dir: Path,
    tables: MessagingTables,
    extra_commands: Mapping[str, tuple[str, Callable[[S], None]]] | None = None,
) -> None:
    """Parse the command line and run one command; `extra_commands` maps a name to
    (help, function of the settings) for a service's own commands (e.g. intake's `seed`)."""
    extras = dict(extra_commands or {})
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    for name, (help_text, _) in extras.items():
        sub.add_parser(name, help=help_text)
    sub.add_parser("serve", help="run the service (the default)")
    sub.add_parser("migrate", help="upgrade the database to the newest migration")
    rep = sub.add_parser("republish", help="send retained outbox events again")
    rep.add_argument(
        "--since",
        required=True,
        type=datetime.fromisoformat,
        help="ISO time with zone, e.g. 2026-11-23T10:00:00+00:00",
    )
    args = parser.parse_args()
    settings = settings_factory()
    if args.command in extras:
        extras[args.command][1](settings)
    elif args.command == "migrate":
        migrations.upgrade(migrations_dir, settings.database_url)
    elif args.command == "republish":
        print(
            asyncio.run(_republish(settings, tables, args.since)), "events marked for republishing"
        )
    else:
        try:
            _serve(settings_factory, app_factory, settings)
        except serving.Refused as refused:
            print(refused.line, file=sys.stderr, flush=True)
            raise SystemExit(refused.code) from None


def _serve(
    settings_factory: Callable[[], S], app_factory: Callable[[S], FastAPI], settings: S
) -> None:
    """`serve`: one process, or a supervisor of `http_workers` worker processes
    (`nic_shared.serving`); what cannot work is refused in one line before uvicorn starts."""
    workers, source = serving.http_workers(settings, os.environ)
    serving.refuse_workers_on_sqlite(settings, workers, source)
    serving.hold_sqlite_lock(settings)  # one process per SQLite file, for our whole life
    problem = port_problem(settings.host, settings.port)
    if problem is not None:
        variable = f"NIC_{settings.service_name.upper()}_PORT"
        line = cannot_listen_line(
            settings.service_name, settings.host, settings.port, problem, variable
        )
        raise serving.Refused(line, 3)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "workers": workers,  # always given, so uvicorn never reads WEB_CONCURRENCY itself
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 5,
        "timeout_keep_alive": settings.http_keepalive_timeout_s,
        "limit_concurrency": settings.http_limit_concurrency,
        "server_header": False,  # no banner naming the server and its version
    }
    if workers == 1:
        folder = metrics.multiprocess_dir()
        if folder is not None:  # named in the environment: start clean
            Path(folder).mkdir(parents=True, exist_ok=True)
            serving.clear_metrics_folder(Path(folder))
        uvicorn.run(app_factory(settings), **options)
        return
    os.environ.update(serving.worker_environ(settings_factory, app_factory))
    logs.configure(settings.service_name, settings.log_level)  # the supervisor's own lines
    with serving.metrics_folder(settings.service_name, os.environ):
        uvicorn.run(serving.WORKER_APP, factory=True, **options)


async def _republish(settings: ServiceSettings, tables: MessagingTables, since: datetime) -> int:
    db = Database(settings.database_url)
    try:
        return await republish_since(db, tables, since)
    finally:
        await db.dispose()
