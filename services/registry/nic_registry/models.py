"""The registry's tables: organisations, clusters with their history, memberships, activities.

Dates of periods are inclusive days (`valid_to` NULL while running), as in `domain.periods`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.messaging_tables import define_messaging_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)


class Organisation(Base):
    """An organisation, keyed by organisation number or `CC:id`; Brreg facts and declared data."""

    __tablename__ = "organisations"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    org_number: Mapped[str | None] = mapped_column(String(9))
    country: Mapped[str | None] = mapped_column(String(2))
    foreign_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    org_form_code: Mapped[str | None] = mapped_column(String(8))
    org_form_description: Mapped[str | None] = mapped_column(String(200))
    sector_code: Mapped[str | None] = mapped_column(String(8))
    registered_in_foretaksregisteret: Mapped[bool | None] = mapped_column(Boolean)
    bankrupt: Mapped[bool] = mapped_column(Boolean, default=False)
    winding_up: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_on: Mapped[date | None] = mapped_column(Date)
    nace_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    employees: Mapped[int | None] = mapped_column(Integer)
    parent_org_number: Mapped[str | None] = mapped_column(String(9))
    in_group: Mapped[bool | None] = mapped_column(Boolean)
    founded_on: Mapped[date | None] = mapped_column(Date)
    research_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    headcount_awu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    turnover_nok: Mapped[int | None] = mapped_column(BigInteger)
    balance_sheet_nok: Mapped[int | None] = mapped_column(BigInteger)
    figures_year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    brreg_fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class BusinessNetworkPeriod(Base):
    """A period as an active customer of the business-network scheme ("bedriftsnettverk")."""

    __tablename__ = "business_network_periods"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_key: Mapped[str] = mapped_column(ForeignKey("organisations.key"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Cluster(Base):
    __tablename__ = "clusters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(300))
    facilitator_org_number: Mapped[str] = mapped_column(String(9))
    region: Mapped[str | None] = mapped_column(String(100))
    focus_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ClusterPeriod(Base):
    """One period of a cluster's history: a level (with `level`), the NCE brand, or mature."""

    __tablename__ = "cluster_periods"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clusters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # level | nce | mature
    level: Mapped[str | None] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    """The admission decision (FundingDecided) that created the period; None when typed in."""
    decision_version: Mapped[int | None] = mapped_column(Integer)


class GrantedDecision(Base):
    """A granted funding decision as consumed from intake (highest version kept), for reports."""

    __tablename__ = "granted_decisions"

    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    decision_version: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    admission: Mapped[str | None] = mapped_column(String(32))
    amount_nok: Mapped[int] = mapped_column(BigInteger)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class EscaLabel(Base):
    __tablename__ = "esca_labels"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clusters.id"), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    awarded: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clusters.id"))
    organisation_key: Mapped[str] = mapped_column(ForeignKey("organisations.key"), index=True)
    actor_type: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_memberships_cluster_org", "cluster_id", "organisation_key"),)


class Activity(Base):
    """One entry of a cluster's activity log: counts and organisations, no personal data."""

    __tablename__ = "activities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clusters.id"))
    activity_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    activity_type: Mapped[str] = mapped_column(String(40))
    participant_count: Mapped[int] = mapped_column(Integer)
    participant_organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_activities_cluster_date", "cluster_id", "activity_date"),)


class Evaluation(Base):
    """A cluster's annual evaluation: facts and checklist as computed at `as_of`, the officer's
    assessment and overrides, and, once decided, its outcome (then it never changes)."""

    __tablename__ = "evaluations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cluster_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clusters.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # draft | decided
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assessment: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("cluster_id", "year"),
        Index("ix_evaluations_year_status", "year", "status"),
    )


class EvaluationAudit(Base):
    """One row per action on an evaluation: who, when, what (assessment and outcome included)."""

    __tablename__ = "evaluation_audit"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    """In order of the actions (SQLite autoincrements INTEGER only)."""
    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluations.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # created | updated | decided
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
