"""The mail outbox lease: two intake instances never both send one mail.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from nic_shared.mail.model import add_mail_claim, drop_mail_claim

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_mail_claim(op)


def downgrade() -> None:
    drop_mail_claim(op)
