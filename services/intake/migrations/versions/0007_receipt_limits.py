"""Receipt e-mail limits (issue 20): the mail outbox counted per address over the last hour.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_mail_outbox_recipient_created", "mail_outbox", ["recipient", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_recipient_created", table_name="mail_outbox")
