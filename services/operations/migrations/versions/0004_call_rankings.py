"""Per call, the latest published ranking and whether later facts made it stale (issue 20).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "call_rankings",
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("ranking_version", sa.Integer()),
        sa.Column("ranking_published_at", UtcDateTime()),
        sa.Column("stale_version", sa.Integer()),
        sa.Column("stale_reasons", sa.JSON()),
        sa.Column("stale_at", UtcDateTime()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_call_rankings"),
    )


def downgrade() -> None:
    op.drop_table("call_rankings")
