"""The operations audit table: who replayed which dead letter, and when.

Revision ID: 0003
"""

from alembic import op

from nic_shared.messaging_tables import create_ops_tables, drop_ops_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_ops_tables(op)


def downgrade() -> None:
    drop_ops_tables(op)
