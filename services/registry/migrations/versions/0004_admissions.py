"""Admission decisions: the decision behind a period, and the granted decisions consumed.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("cluster_periods") as batch:
        batch.add_column(sa.Column("decision_id", sa.Uuid()))
        batch.add_column(sa.Column("decision_version", sa.Integer()))
        batch.create_unique_constraint("uq_cluster_periods_decision_id", ["decision_id"])
    op.create_table(
        "granted_decisions",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("decision_version", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("scheme", sa.String(40), nullable=False),
        sa.Column("cluster_id", sa.Uuid()),
        sa.Column("admission", sa.String(32)),
        sa.Column("amount_nok", sa.BigInteger(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name="pk_granted_decisions"),
    )
    op.create_index("ix_granted_decisions_call_id", "granted_decisions", ["call_id"])
    op.create_index("ix_granted_decisions_decided_at", "granted_decisions", ["decided_at"])


def downgrade() -> None:
    op.drop_index("ix_granted_decisions_decided_at", table_name="granted_decisions")
    op.drop_index("ix_granted_decisions_call_id", table_name="granted_decisions")
    op.drop_table("granted_decisions")
    with op.batch_alter_table("cluster_periods") as batch:
        batch.drop_constraint("uq_cluster_periods_decision_id", type_="unique")
        batch.drop_column("decision_version")
        batch.drop_column("decision_id")
