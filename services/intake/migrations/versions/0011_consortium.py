"""The consortium (issue 15): invitations, partner organisations' roles, confirmations.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "partner_invitations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("application_id", sa.Uuid(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("org_number", sa.String(9), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("invited_by", sa.String(200), nullable=False),
        sa.Column("invited_at", UtcDateTime(), nullable=False),
        sa.Column("accepted_by", sa.String(200)),
        sa.Column("accepted_at", UtcDateTime()),
    )
    op.create_index(
        "ix_partner_invitations_application_id", "partner_invitations", ["application_id"]
    )
    for table, extra in (
        (
            "application_members",
            [
                sa.Column("role", sa.String(16), nullable=False),
                sa.Column("since", UtcDateTime(), nullable=False),
            ],
        ),
        (
            "partner_confirmations",
            [
                sa.Column("budget_sha256", sa.String(64), nullable=False),
                sa.Column("de_minimis_headroom_nok", sa.BigInteger()),
                sa.Column("confirmed_by", sa.String(200), nullable=False),
                sa.Column("confirmed_at", UtcDateTime(), nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", _Id, primary_key=True, autoincrement=True),
            sa.Column(
                "application_id", sa.Uuid(), sa.ForeignKey("applications.id"), nullable=False
            ),
            sa.Column("org_number", sa.String(9), nullable=False),
            *extra,
            sa.UniqueConstraint("application_id", "org_number"),
        )
        op.create_index(f"ix_{table}_application_id", table, ["application_id"])


def downgrade() -> None:
    op.drop_table("partner_confirmations")
    op.drop_table("application_members")
    op.drop_table("partner_invitations")
