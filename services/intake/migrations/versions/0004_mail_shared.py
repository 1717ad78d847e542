"""The mail outbox as nic_shared.mail defines it: a dedupe key and one attachment per mail.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

from nic_shared.mail.model import mail_outbox_columns

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        for column in mail_outbox_columns():
            batch.add_column(column)
        batch.create_unique_constraint("uq_mail_outbox_dedupe_key", ["dedupe_key"])


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_constraint("uq_mail_outbox_dedupe_key", type_="unique")
        for column in mail_outbox_columns():
            batch.drop_column(column.name)
