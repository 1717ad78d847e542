"""Messaging tables and calls.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime
from nic_shared.messaging_tables import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "calls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("title_nb", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("description_nb", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("opens_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("budget_frame_nok", sa.BigInteger(), nullable=False),
        sa.Column("grant_min_nok", sa.BigInteger()),
        sa.Column("grant_max_nok", sa.BigInteger()),
        sa.Column("max_aid_intensity_percent", sa.Integer(), nullable=False),
        sa.Column("required_parts", sa.JSON(), nullable=False),
        sa.Column("rule_set", sa.JSON(), nullable=False),
        sa.Column("scoring_scheme", sa.JSON(), nullable=False),
        sa.Column("proposals_min", sa.Integer()),
        sa.Column("proposals_max", sa.Integer()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime()),
        sa.Column("decided_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
        sa.UniqueConstraint("code", name="uq_calls_code"),
    )


def downgrade() -> None:
    op.drop_table("calls")
    drop_messaging_tables(op)
