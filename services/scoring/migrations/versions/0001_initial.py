"""Messaging tables and the call scoring schemes copied from CallPublished.

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
        "call_schemes",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("budget_frame_nok", sa.BigInteger(), nullable=False),
        sa.Column("scoring_scheme", sa.JSON(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_call_schemes"),
    )


def downgrade() -> None:
    op.drop_table("call_schemes")
    drop_messaging_tables(op)
