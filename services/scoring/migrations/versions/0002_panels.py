"""Applications, panels, members, conflicts, assignments, reviews, consensus, results,
ranking versions, the audit trail, and cluster proposals (Innovasjonsrammen stage 4).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0002"
down_revision = "0001"

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("applicant_org_number", sa.String(9), nullable=False),
        sa.Column("partner_org_numbers", sa.JSON(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=True),
        sa.Column("requested_amount_nok", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("eligibility_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
    )
    op.create_index("ix_applications_call_id", "applications", ["call_id"])
    op.create_table(
        "panels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("reviewers_per_application", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_panels"),
        sa.UniqueConstraint("call_id", name="uq_panels_call_id"),
    )
    op.create_table(
        "panel_members",
        sa.Column("panel_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("chair", sa.Boolean(), nullable=False),
        sa.Column("org_numbers", sa.JSON(), nullable=False),
        sa.Column("cluster_ids", sa.JSON(), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("panel_id", "member_id", name="pk_panel_members"),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name="fk_panel_members_panel_id_panels"
        ),
    )
    op.create_index("ix_panel_members_member_id", "panel_members", ["member_id"])
    op.create_table(
        "declared_conflicts",
        sa.Column("panel_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_by", sa.String(200), nullable=False),
        sa.Column("declared_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "panel_id", "member_id", "application_id", name="pk_declared_conflicts"
        ),
    )
    op.create_table(
        "assignments",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("panel_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("assigned_by", sa.String(200), nullable=False),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "member_id", name="pk_assignments"),
        sa.ForeignKeyConstraint(["panel_id"], ["panels.id"], name="fk_assignments_panel_id_panels"),
    )
    op.create_index("ix_assignments_member_id", "assignments", ["member_id"])
    op.create_index("ix_assignments_panel_id", "assignments", ["panel_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("panel_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("invalid_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_application_id", "reviews", ["application_id"])
    op.create_table(
        "consensus",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", name="pk_consensus"),
    )
    op.create_table(
        "panel_results",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("weighted_total", sa.String(64), nullable=False),
        sa.Column("passed_thresholds", sa.Boolean(), nullable=False),
        sa.Column("threshold_misses", sa.JSON(), nullable=False),
        sa.Column("by_consensus", sa.Boolean(), nullable=False),
        sa.Column("reviewer_ids", sa.JSON(), nullable=False),
        sa.Column("scored_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", name="pk_panel_results"),
    )
    op.create_index("ix_panel_results_call_id", "panel_results", ["call_id"])
    op.create_table(
        "rankings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("budget_frame_nok", sa.BigInteger(), nullable=False),
        sa.Column("recommended_total_nok", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rankings"),
        sa.UniqueConstraint("call_id", "version", name="uq_rankings_call_id"),
    )
    op.create_index("ix_rankings_call_id", "rankings", ["call_id"])
    op.create_table(
        "audit_entries",
        sa.Column("id", _Id, autoincrement=True, nullable=False),
        sa.Column("panel_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
    )
    op.create_index("ix_audit_entries_panel_id", "audit_entries", ["panel_id"])
    op.create_table(
        "cluster_proposals",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "call_id", "cluster_id", "application_id", name="pk_cluster_proposals"
        ),
    )


def downgrade() -> None:
    for table in (
        "cluster_proposals",
        "audit_entries",
        "rankings",
        "panel_results",
        "consensus",
        "reviews",
        "assignments",
        "declared_conflicts",
        "panel_members",
        "panels",
        "applications",
    ):
        op.drop_table(table)
