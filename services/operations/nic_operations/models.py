"""Operations' tables: the pipeline projection (per-call counts) and webhooks.

`pipeline_applications` is fed by operations' own consumer group from every topic: one
row per application with the time it reached each step. Webhook subscriptions, the
deliveries the consumer queues for them, and one row per delivery attempt. The ids of
stream tickets already used, so that each is used once across every instance.
`call_rankings`: per call, the latest published ranking version and whether later facts
made it stale (with the reasons: application ids and reason codes only). `pipeline_calls`:
per call its public code and titles, from CallPublished, so people see calls by code.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.messaging_tables import define_messaging_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)
ops_audit = messaging.ops_audit

pipeline = Table(
    "pipeline_applications",
    Base.metadata,
    Column("application_id", String(64), primary_key=True),
    Column("call_id", String(64)),
    Column("version", Integer),
    Column("submitted_at", UtcDateTime),
    Column("assessed_at", UtcDateTime),
    Column("eligibility_outcome", String(32)),
    Column("scored_at", UtcDateTime),
    Column("recommended_at", UtcDateTime),
    Column("funding_outcome", String(32)),
    Column("withdrawn_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_pipeline_applications_call_id", pipeline.c.call_id)

calls = Table(
    "pipeline_calls",
    Base.metadata,
    Column("call_id", String(64), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("title_nb", Text),
    Column("title_en", Text),
    Column("updated_at", UtcDateTime, nullable=False),
)

subscriptions = Table(
    "webhook_subscriptions",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", Text, nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("call_id", String(64)),
    Column("description", String(300)),
    Column("secret", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("consecutive_failures", Integer, nullable=False),
    Column("paused_at", UtcDateTime),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("full_payloads", Boolean, nullable=False, default=False),
    # an officer's subscription gets events in full; an operator's gets them redacted
)

deliveries = Table(
    "webhook_deliveries",
    Base.metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "subscription_id",
        Uuid,
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_subscription_id"),
)
Index("ix_webhook_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)

attempts = Table(
    "webhook_attempts",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        String(64),
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
)
Index("ix_webhook_attempts_delivery_id", attempts.c.delivery_id)

stream_tickets_used = Table(
    "stream_tickets_used",
    Base.metadata,
    Column("ticket_id", String(64), primary_key=True),
    # the ticket's own expiry: past it the ticket is refused anyway, and the row can go
    Column("expires_at", UtcDateTime, nullable=False),
)
Index("ix_stream_tickets_used_expires_at", stream_tickets_used.c.expires_at)

call_rankings = Table(
    "call_rankings",
    Base.metadata,
    Column("call_id", String(64), primary_key=True),
    Column("ranking_version", Integer),  # the newest RankingPublished seen
    Column("ranking_published_at", UtcDateTime),
    # the newest RankingStale not yet cleared by a newer publication
    Column("stale_version", Integer),
    Column("stale_reasons", JSON),  # [{"application_id": str | None, "reason": str}]
    Column("stale_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
)
