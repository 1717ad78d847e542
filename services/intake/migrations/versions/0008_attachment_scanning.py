"""Attachment scanning (issue 15): each attachment's scan status. Attachments stored before
scanning existed are `unscanned`: the submit refuses them until rescanned (or allowed).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(
            sa.Column("scan_status", sa.String(16), nullable=False, server_default="unscanned")
        )
        batch.add_column(sa.Column("scanned_by", sa.String(40), nullable=True))
        batch.add_column(sa.Column("scanned_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("scanned_at")
        batch.drop_column("scanned_by")
        batch.drop_column("scan_status")
