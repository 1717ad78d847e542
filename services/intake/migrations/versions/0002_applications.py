"""Deadline extensions, applications, versions, attachments, timeline, priorities, mail.

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
        "call_deadline_extensions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("previous_deadline", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by", sa.String(200), nullable=False),
        sa.Column("extended_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_deadline_extensions"),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name="fk_call_deadline_extensions_call_id_calls"
        ),
    )
    op.create_index("ix_call_deadline_extensions_call_id", "call_deadline_extensions", ["call_id"])
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("applicant_org_number", sa.String(9), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(32)),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("cluster_id", sa.Uuid()),
        sa.Column("etag_version", sa.Integer(), nullable=False),
        sa.Column("submitted_version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UtcDateTime()),
        sa.Column("withdrawn_at", UtcDateTime()),
        sa.Column("withdrawal_reason", sa.Text()),
        sa.Column("funding_recommended_at", UtcDateTime()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_applications_call_id_calls"),
    )
    op.create_index("ix_applications_call_id", "applications", ["call_id"])
    op.create_index(
        "ix_applications_applicant_org_number", "applications", ["applicant_org_number"]
    )
    op.create_index("ix_applications_cluster_id", "applications", ["cluster_id"])
    op.create_table(
        "application_versions",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "version", name="pk_application_versions"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_application_versions_application_id_applications",
        ),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_attachments_application_id_applications",
        ),
    )
    op.create_index("ix_attachments_application_id", "attachments", ["application_id"])
    op.create_table(
        "status_entries",
        sa.Column("id", _Id, nullable=False, autoincrement=True),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(64)),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("event_id", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_status_entries"),
    )
    op.create_index("ix_status_entries_application_id", "status_entries", ["application_id"])
    op.create_table(
        "cluster_priorities",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("proposals", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", "cluster_id", name="pk_cluster_priorities"),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name="fk_cluster_priorities_call_id_calls"
        ),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", _Id, nullable=False, autoincrement=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
    )
    op.create_index("ix_mail_outbox_sent_at", "mail_outbox", ["sent_at"])


def downgrade() -> None:
    for name in (
        "mail_outbox",
        "cluster_priorities",
        "status_entries",
        "attachments",
        "application_versions",
        "applications",
        "call_deadline_extensions",
    ):
        op.drop_table(name)
