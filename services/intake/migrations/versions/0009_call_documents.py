"""Call documents (issue 15 item 1): the versioned documents a call publishes.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_documents"),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_call_documents_call_id_calls"),
        sa.UniqueConstraint("call_id", "kind", "version", name="uq_call_documents_call_id"),
    )
    op.create_index("ix_call_documents_call_id", "call_documents", ["call_id"])


def downgrade() -> None:
    op.drop_index("ix_call_documents_call_id", table_name="call_documents")
    op.drop_table("call_documents")
