"""More than one instance: relays take turns, replicas migrate once, events are standard
CloudEvents on Kafka. Real broker, real PostgreSQL, real processes where a kill is needed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from sqlalchemy import select

from nic_shared import outbox
from nic_shared.events import CloudEvent
from tests.shared import harness
from tests.shared.harness import tables
from tests.support.environment import platform_environ

ROOT = Path(__file__).resolve().parents[2]
INTAKE_MIGRATIONS = ROOT / "services" / "intake" / "migrations"


async def _record(db, names: list[str]) -> None:
    async with db.transaction() as session:
        for name in names:
            await outbox.record(session, harness.payload(name))


async def _unsent(db) -> int:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(tables.outbox.c.id).where(tables.outbox.c.sent_at.is_(None))
        )
        return len(rows.all())


async def test_events_on_kafka_are_structured_cloudevents_the_official_sdk_reads(
    broker, new_database, topic_prefix
):
    db = await harness.open_database(await new_database("harness", None))
    cfg = harness.settings(broker.bootstrap, db.url, topic_prefix)
    await _record(db, ["Acme AS", "Nordlys AS"])
    async with harness.running(harness.relay_for(db, cfg).run()):
        records = await harness.read_topic(
            broker.bootstrap, f"{topic_prefix}nic.registry", expect=2
        )
    assert len(records) == 2
    for record in records:
        headers = dict(record.headers)
        assert not any(key.startswith("ce_") for key in headers), headers
        message = ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value)
        read = ce_kafka.from_kafka_event(message)  # picks the mode from the headers
        ours = CloudEvent.from_bytes(record.value)
        assert read.get_id() == ours.id
        assert read.get_type() == "no.nic.organisation.updated.v1"
        assert read.get_source() == "/nic/harness"
        assert read.get_subject() == "974760673"
        assert read.get_datacontenttype() == "application/json"
        assert read.get_data()["name"] == ours.data["name"]
    await db.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_relays_on_one_database_publish_every_event_once_and_in_order(
    broker, new_database, topic_prefix
):
    url = await new_database("harness", None)
    first, second = await harness.open_database(url), await harness.open_database(url)
    cfg = harness.settings(broker.bootstrap, url, topic_prefix, relay_batch_size=20)
    names = [f"name {n}" for n in range(300)]
    async with harness.running(
        harness.relay_for(first, cfg).run(), harness.relay_for(second, cfg).run()
    ):
        for start in range(0, len(names), 30):  # commits while both relays poll
            await _record(first, names[start : start + 30])
            await asyncio.sleep(0.02)
        records = await harness.read_topic(
            broker.bootstrap, f"{topic_prefix}nic.registry", expect=len(names), timeout_s=30
        )
    assert [CloudEvent.from_bytes(r.value).data["name"] for r in records] == names
    await first.dispose()
    await second.dispose()


HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from nic_shared.db import Database
    from nic_shared.outbox import relay_turn

    async def main() -> None:
        db = Database(sys.argv[1])
        async with relay_turn(db, "harness") as mine:
            print("holding" if mine else "not mine", flush=True)
            await asyncio.sleep(3600)  # a relay stuck mid-pass, until it is killed

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_an_instance_killed_mid_pass_leaves_nothing_stuck(broker, new_database, topic_prefix):
    url = await new_database("harness", None)
    db = await harness.open_database(url)
    cfg = harness.settings(broker.bootstrap, url, topic_prefix, relay_poll_interval_s=0.1)
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        url,
        stdout=asyncio.subprocess.PIPE,
        env=platform_environ(),
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None
        line = await holder.stdout.readline()
        assert line.decode().strip() == "holding"
        await _record(db, [f"name {n}" for n in range(10)])
        async with harness.running(harness.relay_for(db, cfg).run()):
            await asyncio.sleep(1.5)
            assert await _unsent(db) == 10  # the other instance holds the turn
            os.kill(holder.pid, signal.SIGKILL)
            await harness.wait_until(lambda: _none_unsent(db), timeout_s=20)
        records = await harness.read_topic(
            broker.bootstrap, f"{topic_prefix}nic.registry", expect=10
        )
        assert len(records) == 10
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()
        await db.dispose()


async def _none_unsent(db) -> bool:
    return await _unsent(db) == 0


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_replicas_starting_together_migrate_once(new_database):
    """Three replicas are held at the schema's door (the version table, locked by the
    test) until all three wait, then let in together: one upgrades, two find it done."""
    url = await new_database("intake", None)
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    gate = await asyncpg.connect(dsn)
    await gate.execute(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    door = gate.transaction()
    await door.start()
    await gate.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
    env = platform_environ() | {"NIC_INTAKE_DATABASE_URL": url}
    replicas = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nic_intake",
            "migrate",
            env=env,
            cwd=ROOT,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    watcher = await asyncpg.connect(dsn)  # outside the gate's transaction: a fresh view
    try:
        for _ in range(600):
            if await watcher.fetchval(waiting) == 3:
                break
            await asyncio.sleep(0.05)
        assert await watcher.fetchval(waiting) == 3
    finally:
        await watcher.close()
    await door.commit()
    await gate.close()
    results = [await replica.communicate() for replica in replicas]
    codes = [replica.returncode for replica in replicas]
    assert codes == [0, 0, 0], [err.decode()[-1500:] for _, err in results]
    conn = await asyncpg.connect(dsn)
    try:
        versions = await conn.fetch("SELECT version_num FROM alembic_version")
        tables_made = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'applications'"
        )
    finally:
        await conn.close()
    assert len(versions) == 1
    assert tables_made == 1
