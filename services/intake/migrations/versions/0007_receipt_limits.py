"""Receipt e-mail limits (issue 20): the mail outbox counted per address over the last hour,
and what became of each version's receipt e-mail.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_mail_outbox_recipient_created", "mail_outbox", ["recipient", "created_at"])
    with op.batch_alter_table("application_versions") as batch:
        batch.add_column(sa.Column("receipt_mail", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application_versions") as batch:
        batch.drop_column("receipt_mail")
    op.drop_index("ix_mail_outbox_recipient_created", table_name="mail_outbox")
