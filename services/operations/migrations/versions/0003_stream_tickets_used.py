"""Stream tickets are single-use: the ids of the tickets already used, until they expire.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "stream_tickets_used",
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_stream_tickets_used"),
    )
    op.create_index("ix_stream_tickets_used_expires_at", "stream_tickets_used", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_stream_tickets_used_expires_at", table_name="stream_tickets_used")
    op.drop_table("stream_tickets_used")
