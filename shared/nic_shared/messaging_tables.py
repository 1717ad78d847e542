"""The tables every service keeps: outbox, inbox (processed ids), dead letters, idempotency keys.

They are defined once here and added to each service's own MetaData; each service's first
migration calls `create_messaging_tables(op)`, built from the same column definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.schema import SchemaItem

from nic_shared.db import UtcDateTime

_Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


def _outbox_columns() -> list[SchemaItem]:
    return [
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("payload", Text, nullable=False),
        Column("traceparent", String(64)),
        Column("created_at", UtcDateTime, nullable=False),
        Column("sent_at", UtcDateTime),
        UniqueConstraint("event_id", name="uq_outbox_event_id"),
    ]


def _inbox_columns() -> list[SchemaItem]:
    return [
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("processed_at", UtcDateTime, nullable=False),
    ]


def _dead_letter_columns() -> list[SchemaItem]:
    return [
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("event_type", String(200)),
        Column("consumer_group", String(200), nullable=False),
        Column("origin_topic", String(200), nullable=False),
        Column("origin_partition", Integer, nullable=False),
        Column("origin_offset", BigInteger, nullable=False),
        Column("key", String(200)),
        Column("payload", Text, nullable=False),
        Column("traceparent", String(64)),
        Column("error_type", String(200), nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("dead_lettered_at", UtcDateTime, nullable=False),
        Column("replayed_at", UtcDateTime),
        Column("replay_count", Integer, nullable=False, server_default=text("0")),
    ]


def _idempotency_columns() -> list[SchemaItem]:
    return [
        Column("scope", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response_body", Text, nullable=False),
        Column("response_headers", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    ]


_UNSENT = text("sent_at IS NULL")


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    dead_letters: Table
    idempotency: Table
    ops_audit: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the three tables to a service's MetaData."""
    outbox = Table("outbox", metadata, *_outbox_columns())
    Index("ix_outbox_unsent", outbox.c.id, postgresql_where=_UNSENT, sqlite_where=_UNSENT)
    Index("ix_outbox_created_at", outbox.c.created_at)
    inbox = Table("inbox", metadata, *_inbox_columns())
    dead_letters = Table("dead_letters", metadata, *_dead_letter_columns())
    Index("ix_dead_letters_event_id", dead_letters.c.event_id)
    idempotency = Table("idempotency_keys", metadata, *_idempotency_columns())
    return MessagingTables(outbox, inbox, dead_letters, idempotency, define_ops_tables(metadata))


def create_messaging_tables(op: Any) -> None:
    """For a service's first Alembic migration: create the tables exactly as defined above."""
    builders: list[tuple[str, Callable[[], list[SchemaItem]]]] = [
        ("outbox", _outbox_columns),
        ("inbox", _inbox_columns),
        ("dead_letters", _dead_letter_columns),
        ("idempotency_keys", _idempotency_columns),
    ]
    for name, columns in builders:
        op.create_table(name, *columns())
    op.create_index(
        "ix_outbox_unsent", "outbox", ["id"], postgresql_where=_UNSENT, sqlite_where=_UNSENT
    )
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])
    op.create_index("ix_dead_letters_event_id", "dead_letters", ["event_id"])


def _ops_audit_columns() -> list[SchemaItem]:
    return [
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("action", String(64), nullable=False),
        Column("dead_letter_id", BigInteger),
        Column("event_id", String(64)),
        Column("actor", String(200), nullable=False),
        Column("detail", Text),
        Column("at", UtcDateTime, nullable=False),
    ]


def define_ops_tables(metadata: MetaData) -> Table:
    """The operations audit table (who replayed which dead letter, when), added to a MetaData."""
    audit = Table("ops_audit", metadata, *_ops_audit_columns())
    Index("ix_ops_audit_dead_letter_id", audit.c.dead_letter_id)
    return audit


def create_ops_tables(op: Any) -> None:
    """For a service's migration (one line, after its messaging tables): the ops audit table."""
    op.create_table("ops_audit", *_ops_audit_columns())
    op.create_index("ix_ops_audit_dead_letter_id", "ops_audit", ["dead_letter_id"])


def drop_ops_tables(op: Any) -> None:
    op.drop_table("ops_audit")


def drop_messaging_tables(op: Any) -> None:
    for name in ("idempotency_keys", "dead_letters", "inbox", "outbox"):
        op.drop_table(name)
