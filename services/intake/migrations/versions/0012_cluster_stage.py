"""Innovasjonsrammen end to end (issue 14): the cluster's deadline, what a forwarding closed
and whom to tell, and second-stage calls with applications that follow a proposal.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("cluster_deadline", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("follows_call_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_calls_follows_call_id_calls", "calls", ["follows_call_id"], ["id"]
        )
        batch.create_index("ix_calls_follows_call_id", ["follows_call_id"])
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("proposal_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_applications_proposal_id_applications", "applications", ["proposal_id"], ["id"]
        )
        batch.create_unique_constraint("uq_applications_proposal_id", ["proposal_id"])
    with op.batch_alter_table("cluster_priorities") as batch:
        batch.add_column(sa.Column("not_forwarded", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("contact_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("contact_email", sa.String(320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cluster_priorities") as batch:
        batch.drop_column("contact_email")
        batch.drop_column("contact_name")
        batch.drop_column("not_forwarded")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("uq_applications_proposal_id", type_="unique")
        batch.drop_constraint("fk_applications_proposal_id_applications", type_="foreignkey")
        batch.drop_column("proposal_id")
    with op.batch_alter_table("calls") as batch:
        batch.drop_index("ix_calls_follows_call_id")
        batch.drop_constraint("fk_calls_follows_call_id_calls", type_="foreignkey")
        batch.drop_column("follows_call_id")
        batch.drop_column("cluster_deadline")
