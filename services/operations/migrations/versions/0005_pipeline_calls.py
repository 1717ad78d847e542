"""Per call its code and titles (from CallPublished), so the ops page names calls by code.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "pipeline_calls",
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title_nb", sa.Text()),
        sa.Column("title_en", sa.Text()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_pipeline_calls"),
    )


def downgrade() -> None:
    op.drop_table("pipeline_calls")
