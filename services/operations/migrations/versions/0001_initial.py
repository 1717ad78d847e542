"""Messaging and ops tables, the pipeline projection, webhooks.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime
from nic_shared.messaging_tables import (
    create_messaging_tables,
    create_ops_tables,
    drop_messaging_tables,
    drop_ops_tables,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_messaging_tables(op)
    create_ops_tables(op)
    op.create_table(
        "pipeline_applications",
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("call_id", sa.String(64)),
        sa.Column("version", sa.Integer()),
        sa.Column("submitted_at", UtcDateTime()),
        sa.Column("assessed_at", UtcDateTime()),
        sa.Column("eligibility_outcome", sa.String(32)),
        sa.Column("scored_at", UtcDateTime()),
        sa.Column("recommended_at", UtcDateTime()),
        sa.Column("funding_outcome", sa.String(32)),
        sa.Column("withdrawn_at", UtcDateTime()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", name="pk_pipeline_applications"),
    )
    op.create_index("ix_pipeline_applications_call_id", "pipeline_applications", ["call_id"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("call_id", sa.String(64)),
        sa.Column("description", sa.String(300)),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("paused_at", UtcDateTime()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("delivered_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "subscription_id", "event_id", name="uq_webhook_deliveries_subscription_id"
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attempted_at", UtcDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_attempts"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name="fk_webhook_attempts_delivery_id_webhook_deliveries",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    for name in (
        "webhook_attempts",
        "webhook_deliveries",
        "webhook_subscriptions",
        "pipeline_applications",
    ):
        op.drop_table(name)
    drop_ops_tables(op)
    drop_messaging_tables(op)
