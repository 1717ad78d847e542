"""Rankings as intake keeps them, decisions with versions, audit, answers, letters, results.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="nb"))
        batch.add_column(sa.Column("panel_feedback", sa.Text()))
    op.create_table(
        "ranking_entries",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("ranking_version", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("rank", sa.Integer()),
        sa.Column("outcome", sa.String(32)),
        sa.Column("requested_amount_nok", sa.BigInteger()),
        sa.Column("recommended_amount_nok", sa.BigInteger()),
        sa.PrimaryKeyConstraint(
            "call_id", "ranking_version", "application_id", name="pk_ranking_entries"
        ),
    )
    op.create_table(
        "rankings",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("ranking_version", sa.Integer(), nullable=False),
        sa.Column("budget_frame_nok", sa.BigInteger(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", "ranking_version", name="pk_rankings"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer()),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_decisions_application_id_applications"
        ),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_decisions_call_id_calls"),
        sa.UniqueConstraint("application_id", name="uq_decisions_application_id"),
    )
    op.create_index("ix_decisions_call_id", "decisions", ["call_id"])
    op.create_table(
        "decision_versions",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("amount_nok", sa.BigInteger(), nullable=False),
        sa.Column("amount_reason", sa.Text()),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("ranking_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("approved_by", sa.String(200)),
        sa.Column("approved_at", UtcDateTime()),
        sa.Column("acceptance_deadline", UtcDateTime()),
        sa.PrimaryKeyConstraint("decision_id", "version", name="pk_decision_versions"),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_decision_versions_decision_id_decisions"
        ),
    )
    op.create_table(
        "decision_audit",
        sa.Column("id", _Id, autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision_audit"),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_decision_audit_decision_id_decisions"
        ),
    )
    op.create_index("ix_decision_audit_decision_id", "decision_audit", ["decision_id"])
    op.create_table(
        "decision_acceptances",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("answered_by", sa.String(200), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision_acceptances"),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_decision_acceptances_decision_id_decisions"
        ),
        sa.UniqueConstraint("decision_id", "version", name="uq_decision_acceptances_decision_id"),
    )
    op.create_table(
        "decision_letters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision_letters"),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name="fk_decision_letters_decision_id_decisions"
        ),
        sa.UniqueConstraint("decision_id", "version", name="uq_decision_letters_decision_id"),
    )
    op.create_table(
        "published_results",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_published_results"),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name="fk_published_results_call_id_calls"
        ),
    )


def downgrade() -> None:
    for table in (
        "published_results",
        "decision_letters",
        "decision_acceptances",
        "decision_audit",
        "decision_versions",
        "decisions",
        "rankings",
        "ranking_entries",
    ):
        op.drop_table(table)
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("panel_feedback")
        batch.drop_column("language")
