"""Panel reads (issue 12): submitted content kept for the panel, blind review, review windows
and reminders, comments released to the applicant; the mail outbox lease.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime
from nic_shared.mail.model import add_mail_claim, drop_mail_claim

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "submitted_versions",
        sa.Column("application_id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
    )
    with op.batch_alter_table("panels") as batch:
        batch.add_column(
            sa.Column("blind", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("opens_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("closes_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("reminder_days_before", sa.Integer(), nullable=True))
    with op.batch_alter_table("panel_members") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=True))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("applicant_comment", sa.Text(), nullable=True))
    with op.batch_alter_table("consensus") as batch:
        batch.add_column(sa.Column("applicant_feedback", sa.Text(), nullable=True))
    add_mail_claim(op)


def downgrade() -> None:
    drop_mail_claim(op)
    with op.batch_alter_table("consensus") as batch:
        batch.drop_column("applicant_feedback")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("applicant_comment")
    with op.batch_alter_table("panel_members") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("panels") as batch:
        for name in ("reminder_days_before", "closes_at", "opens_at", "blind"):
            batch.drop_column(name)
    op.drop_table("submitted_versions")
