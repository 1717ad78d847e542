"""Scoring's tables. Its copy of each call's scoring scheme comes from CallPublished, its copy
of each application (who takes part, how much, when) from EligibilityAssessed/Overridden.

Marks and totals are exact decimals; they are stored as text so neither database rounds
them (`Numeric` on SQLite goes through float).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.mail import MailMessageMixin
from nic_shared.messaging_tables import define_messaging_tables

_Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)


class CallScheme(Base):
    __tablename__ = "call_schemes"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    budget_frame_nok: Mapped[int] = mapped_column(BigInteger)
    scoring_scheme: Mapped[dict[str, Any]] = mapped_column(JSON)
    # CallPublished.cluster_stage: set when only what clusters forward reaches the panel
    cluster_stage: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApplicationStatus:
    SCORABLE = "scorable"  # eligible: the panel scores it
    PENDING = "pending"  # needs a manual eligibility review
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"
    AWAITING_CLUSTER = "awaiting_cluster"  # eligible, its cluster has not forwarded it yet
    NOT_FORWARDED = "not_forwarded"  # its cluster forwarded others: closed for good


class ScoringApplication(Base):
    """An application as scoring knows it; only `scorable` ones are assigned and ranked."""

    __tablename__ = "applications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    applicant_org_number: Mapped[str] = mapped_column(String(9))
    partner_org_numbers: Mapped[list[str]] = mapped_column(JSON)
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_amount_nok: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    eligibility_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SubmittedVersion(Base):
    """A submitted version's content as ApplicationSubmitted carried it, for the panel to read.

    Members read only the newest one (the version the panel is told of); drafts never come.
    """

    __tablename__ = "submitted_versions"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Panel(Base):
    __tablename__ = "panels"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    reviewers_per_application: Mapped[int] = mapped_column(Integer)
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    """Blind review: members see no applicant or partner identity (conflicts still checked)."""
    opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminder_days_before: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PanelMember(Base):
    """A member of one panel; `member_id` is the `panel_member` claim of their token."""

    __tablename__ = "panel_members"

    panel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("panels.id"), primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    chair: Mapped[bool] = mapped_column(Boolean)
    org_numbers: Mapped[list[str]] = mapped_column(JSON)
    cluster_ids: Mapped[list[str]] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeclaredConflict(Base):
    __tablename__ = "declared_conflicts"

    panel_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Assignment(Base):
    __tablename__ = "assignments"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    panel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("panels.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # auto | manual
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReviewRow(Base):
    """A review; at most one standing (draft or submitted) per application and member.

    `marks` is {criterion_id: {"mark": "5", "comment": "..."}}; invalid reviews are kept.
    """

    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    panel_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    applicant_comment: Mapped[str | None] = mapped_column(Text)
    invalid_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Consensus(Base):
    __tablename__ = "consensus"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)
    applicant_feedback: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PanelResultRow(Base):
    """An application's current final result; deleted when its inputs stop standing."""

    __tablename__ = "panel_results"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    marks: Mapped[dict[str, str]] = mapped_column(JSON)
    weighted_total: Mapped[str] = mapped_column(String(64))
    passed_thresholds: Mapped[bool] = mapped_column(Boolean)
    threshold_misses: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    by_consensus: Mapped[bool] = mapped_column(Boolean)
    reviewer_ids: Mapped[list[str]] = mapped_column(JSON)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Ranking(Base):
    __tablename__ = "rankings"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    version: Mapped[int] = mapped_column(Integer)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    budget_frame_nok: Mapped[int] = mapped_column(BigInteger)
    recommended_total_nok: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The inputs digest a RankingStale was last recorded for (once per change of the facts).
    stale_announced_sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditEntry(Base):
    """Conflict declarations and what they invalidated; withdrawals' effects likewise."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    panel_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClusterProposal(Base):
    """Innovasjonsrammen stage 4: a proposal a cluster manager marks for their own cluster."""

    __tablename__ = "cluster_proposals"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cluster_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    marks: Mapped[dict[str, str]] = mapped_column(JSON)
    entered_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ForwardedProposal(Base):
    """Innovasjonsrammen stage 5 as scoring keeps it (ClusterPrioritySubmitted): each
    proposal a cluster forwarded, with its rank and the cluster's marks as they stood (a
    snapshot of `cluster_proposals`), or, `forwarded` false, one it closed."""

    __tablename__ = "forwarded_proposals"

    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    cluster_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    forwarded: Mapped[bool] = mapped_column(Boolean)
    cluster_rank: Mapped[int | None] = mapped_column(Integer)
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    forwarded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailMessage(MailMessageMixin, Base):
    """The mail outbox: review reminders, sent by the shared mail worker."""

    __tablename__ = "mail_outbox"
