"""Requests for more information and their answers (issue 15); answer files are attachments
marked with their request.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "info_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("application_id", sa.Uuid(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(200)),
        sa.Column("closed_at", UtcDateTime()),
    )
    op.create_index("ix_info_requests_application_id", "info_requests", ["application_id"])
    op.create_table(
        "info_answers",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("request_id", sa.Uuid(), sa.ForeignKey("info_requests.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("answered_by", sa.String(200), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_info_answers_request_id", "info_answers", ["request_id"])
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("info_request_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_attachments_info_request_id", ["info_request_id"])


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_info_request_id")
        batch.drop_column("info_request_id")
    op.drop_table("info_answers")
    op.drop_table("info_requests")
