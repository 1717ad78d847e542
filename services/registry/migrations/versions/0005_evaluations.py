"""Annual evaluations of clusters and their audit trail.

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
        "evaluations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.Text()),
        sa.Column("outcome", sa.String(16)),
        sa.Column("decided_at", UtcDateTime()),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evaluations"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_evaluations_cluster_id_clusters"
        ),
        sa.UniqueConstraint("cluster_id", "year", name="uq_evaluations_cluster_id"),
    )
    op.create_index("ix_evaluations_cluster_id", "evaluations", ["cluster_id"])
    op.create_index("ix_evaluations_year_status", "evaluations", ["year", "status"])
    op.create_table(
        "evaluation_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evaluation_audit"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name="fk_evaluation_audit_evaluation_id_evaluations",
        ),
    )
    op.create_index("ix_evaluation_audit_evaluation_id", "evaluation_audit", ["evaluation_id"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_audit_evaluation_id", table_name="evaluation_audit")
    op.drop_table("evaluation_audit")
    op.drop_index("ix_evaluations_year_status", table_name="evaluations")
    op.drop_index("ix_evaluations_cluster_id", table_name="evaluations")
    op.drop_table("evaluations")
