"""Organisations, clusters with their history, memberships, business network, activities.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from nic_shared.db import UtcDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("org_number", sa.String(9)),
        sa.Column("country", sa.String(2)),
        sa.Column("foreign_id", sa.String(64)),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("org_form_code", sa.String(8)),
        sa.Column("org_form_description", sa.String(200)),
        sa.Column("sector_code", sa.String(8)),
        sa.Column("registered_in_foretaksregisteret", sa.Boolean()),
        sa.Column("bankrupt", sa.Boolean(), nullable=False),
        sa.Column("winding_up", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_on", sa.Date()),
        sa.Column("nace_codes", sa.JSON(), nullable=False),
        sa.Column("employees", sa.Integer()),
        sa.Column("parent_org_number", sa.String(9)),
        sa.Column("in_group", sa.Boolean()),
        sa.Column("founded_on", sa.Date()),
        sa.Column("research_declared", sa.Boolean(), nullable=False),
        sa.Column("headcount_awu", sa.Numeric(12, 2)),
        sa.Column("turnover_nok", sa.BigInteger()),
        sa.Column("balance_sheet_nok", sa.BigInteger()),
        sa.Column("figures_year", sa.Integer()),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("brreg_fetched_at", UtcDateTime()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_organisations"),
    )
    op.create_table(
        "business_network_periods",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_key", sa.String(80), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_business_network_periods"),
        sa.ForeignKeyConstraint(
            ["organisation_key"],
            ["organisations.key"],
            name="fk_business_network_periods_organisation_key_organisations",
        ),
    )
    op.create_index(
        "ix_business_network_periods_organisation_key",
        "business_network_periods",
        ["organisation_key"],
    )
    op.create_table(
        "clusters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("facilitator_org_number", sa.String(9), nullable=False),
        sa.Column("region", sa.String(100)),
        sa.Column("focus_areas", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clusters"),
    )
    op.create_table(
        "cluster_periods",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16)),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cluster_periods"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_cluster_periods_cluster_id_clusters"
        ),
    )
    op.create_index("ix_cluster_periods_cluster_id", "cluster_periods", ["cluster_id"])
    op.create_table(
        "esca_labels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("grade", sa.String(16), nullable=False),
        sa.Column("awarded", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_esca_labels"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_esca_labels_cluster_id_clusters"
        ),
    )
    op.create_index("ix_esca_labels_cluster_id", "esca_labels", ["cluster_id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_key", sa.String(80), nullable=False),
        sa.Column("actor_type", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_memberships_cluster_id_clusters"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_key"],
            ["organisations.key"],
            name="fk_memberships_organisation_key_organisations",
        ),
    )
    op.create_index("ix_memberships_organisation_key", "memberships", ["organisation_key"])
    op.create_index("ix_memberships_cluster_org", "memberships", ["cluster_id", "organisation_key"])
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("activity_type", sa.String(40), nullable=False),
        sa.Column("participant_count", sa.Integer(), nullable=False),
        sa.Column("participant_organisations", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name="fk_activities_cluster_id_clusters"
        ),
    )
    op.create_index("ix_activities_cluster_date", "activities", ["cluster_id", "activity_date"])


def downgrade() -> None:
    for index, table in (
        ("ix_activities_cluster_date", "activities"),
        ("ix_memberships_cluster_org", "memberships"),
        ("ix_memberships_organisation_key", "memberships"),
        ("ix_esca_labels_cluster_id", "esca_labels"),
        ("ix_cluster_periods_cluster_id", "cluster_periods"),
        ("ix_business_network_periods_organisation_key", "business_network_periods"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "activities",
        "memberships",
        "esca_labels",
        "cluster_periods",
        "clusters",
        "business_network_periods",
        "organisations",
    ):
        op.drop_table(table)
