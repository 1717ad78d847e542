"""Assessments with their rule results and facts snapshot, and the overrides audit trail.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applicant_org_number", sa.String(9), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("automatic_outcome", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("rule_results", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("facts_as_of", sa.Date(), nullable=False),
        sa.Column("application", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("assessed_at", UtcDateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("application_id", "version", name="uq_assessments_application_version"),
    )
    op.create_index(
        "ix_assessments_queue", "assessments", ["outcome", "status", "current", "assessed_at"]
    )
    op.create_index(
        "ix_assessments_application_current", "assessments", ["application_id", "current"]
    )
    op.create_index("ix_assessments_call", "assessments", ["call_id", "assessed_at"])
    op.create_table(
        "assessment_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("previous_outcome", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("overridden_by", sa.String(200), nullable=False),
        sa.Column("overridden_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessment_overrides"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_assessment_overrides_assessment_id_assessments",
        ),
    )
    op.create_index(
        "ix_assessment_overrides_assessment",
        "assessment_overrides",
        ["assessment_id", "overridden_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_overrides_assessment", table_name="assessment_overrides")
    op.drop_table("assessment_overrides")
    op.drop_index("ix_assessments_call", table_name="assessments")
    op.drop_index("ix_assessments_application_current", table_name="assessments")
    op.drop_index("ix_assessments_queue", table_name="assessments")
    op.drop_table("assessments")
