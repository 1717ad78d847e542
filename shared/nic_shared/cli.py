"""The command line every service shares: `python -m nic_<service> [serve|migrate|...]`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from nic_shared import migrations
from nic_shared.db import Database
from nic_shared.messaging_tables import MessagingTables
from nic_shared.outbox import republish_since
from nic_shared.settings import ServiceSettings


def run(
    settings_factory: Callable[[], ServiceSettings],
    app_factory: Callable[[ServiceSettings], FastAPI],
    migrations_dir: Path,
    tables: MessagingTables,
) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
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
    if args.command == "migrate":
        migrations.upgrade(migrations_dir, settings.database_url)
    elif args.command == "republish":
        print(
            asyncio.run(_republish(settings, tables, args.since)), "events marked for republishing"
        )
    else:
        uvicorn.run(
            app_factory(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=5,
        )


async def _republish(settings: ServiceSettings, tables: MessagingTables, since: datetime) -> int:
    db = Database(settings.database_url)
    try:
        return await republish_since(db, tables, since)
    finally:
        await db.dispose()
