"""Innovasjonsrammen end to end (issue 14): the call's cluster stage, and what each cluster
forwarded (its rank and marks) or closed.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("call_schemes") as batch:
        batch.add_column(sa.Column("cluster_stage", sa.JSON(), nullable=True))
    op.create_table(
        "forwarded_proposals",
        sa.Column("application_id", sa.Uuid(), primary_key=True),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("cluster_rank", sa.Integer(), nullable=True),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("forwarded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_forwarded_proposals_call_id", "forwarded_proposals", ["call_id"])


def downgrade() -> None:
    op.drop_index("ix_forwarded_proposals_call_id", "forwarded_proposals")
    op.drop_table("forwarded_proposals")
    with op.batch_alter_table("call_schemes") as batch:
        batch.drop_column("cluster_stage")
