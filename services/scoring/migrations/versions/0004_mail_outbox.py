"""The mail outbox (nic_shared.mail): scoring mails panel members their review reminders.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from nic_shared.mail.model import create_mail_outbox

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_mail_outbox(op)


def downgrade() -> None:
    op.drop_table("mail_outbox")
