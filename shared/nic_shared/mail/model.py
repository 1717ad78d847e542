"""The mail outbox's columns: one definition for the ORM mixin and for the migrations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nic_shared.db import UtcDateTime

_Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


@dataclass(frozen=True)
class MailAttachment:
    """One file sent with a mail (a decision letter's PDF, say)."""

    filename: str
    content_type: str
    data: bytes


class MailMessageMixin:
    """A queued mail: written with the change, sent later by `MailWorker`.

    `dedupe_key` is unique: a second mail with the same key is never queued (reminders,
    letters: "once" survives restarts and a second instance).
    """

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """A worker's lease: while it lies in the future no other instance sends this mail."""


def mail_outbox_columns() -> list[sa.Column[object]]:
    """The columns added after the first version (for `op.add_column` / `op.create_table`)."""
    return [
        sa.Column("dedupe_key", sa.String(200)),
        sa.Column("attachment_name", sa.String(200)),
        sa.Column("attachment_type", sa.String(100)),
        sa.Column("attachment_data", sa.LargeBinary()),
    ]


def add_mail_claim(op: object) -> None:
    """For a service's migration: the lease column that keeps two workers from both sending."""
    with op.batch_alter_table("mail_outbox") as batch:  # type: ignore[attr-defined]
        batch.add_column(sa.Column("claimed_until", UtcDateTime(), nullable=True))


def drop_mail_claim(op: object) -> None:
    with op.batch_alter_table("mail_outbox") as batch:  # type: ignore[attr-defined]
        batch.drop_column("claimed_until")


def create_mail_outbox(op: object) -> None:
    """For a service's migration: the whole mail outbox, as the mixin defines it."""
    op.create_table(  # type: ignore[attr-defined]
        "mail_outbox",
        sa.Column("id", _Id, nullable=False, autoincrement=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        *mail_outbox_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
        sa.UniqueConstraint("dedupe_key", name="uq_mail_outbox_dedupe_key"),
    )
    op.create_index("ix_mail_outbox_sent_at", "mail_outbox", ["sent_at"])  # type: ignore[attr-defined]
