"""Intake's tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.mail import MailMessageMixin
from nic_shared.messaging_tables import define_messaging_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)
_Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Call(Base):
    """A call with its resolved terms (template merged with the call's overrides)."""

    __tablename__ = "calls"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[str] = mapped_column(String(64))
    title_nb: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_nb: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    budget_frame_nok: Mapped[int] = mapped_column(BigInteger)
    grant_min_nok: Mapped[int | None] = mapped_column(BigInteger)
    grant_max_nok: Mapped[int | None] = mapped_column(BigInteger)
    max_aid_intensity_percent: Mapped[int] = mapped_column(Integer)
    required_parts: Mapped[list[str]] = mapped_column(JSON)
    rule_set: Mapped[dict[str, Any]] = mapped_column(JSON)
    scoring_scheme: Mapped[dict[str, Any]] = mapped_column(JSON)
    proposals_min: Mapped[int | None] = mapped_column(Integer)
    proposals_max: Mapped[int | None] = mapped_column(Integer)
    # Innovasjonsrammen: clusters forward their 2-4 until this instant (a cluster stage only)
    cluster_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # A second-stage call (the formal application) names the first-stage call it follows.
    follows_call_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("calls.id"), default=None, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CallDeadlineExtension(Base):
    """The audit trail of deadline extensions: who moved which deadline, when and why."""

    __tablename__ = "call_deadline_extensions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), index=True)
    previous_deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text)
    extended_by: Mapped[str] = mapped_column(String(200))
    extended_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Application(Base):
    """An application: the editable draft and where it stands. Versions hold what was sent."""

    __tablename__ = "applications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(64))
    applicant_org_number: Mapped[str] = mapped_column(String(9), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    cluster_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    etag_version: Mapped[int] = mapped_column(Integer)
    submitted_version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    funding_recommended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(2), default="nb", server_default="nb")
    panel_feedback: Mapped[str | None] = mapped_column(Text)
    # In a second-stage call: the recommended first-stage proposal this application follows.
    proposal_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("applications.id"), default=None, unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApplicationVersion(Base):
    """One submitted version, kept unchanged; a resubmission adds the next one."""

    __tablename__ = "application_versions"

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_by: Mapped[str] = mapped_column(String(200))
    # What became of its receipt e-mail (submission/limits.py); None before the limits.
    receipt_mail: Mapped[str | None] = mapped_column(String(40), default=None)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A file for an answer to a request for information (messages/), not the draft's.
    info_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None, index=True)
    # clean | unscanned (attachments/scanning.py); infected uploads are never stored
    scan_status: Mapped[str] = mapped_column(String(16), default="unscanned")
    scanned_by: Mapped[str | None] = mapped_column(String(40), default=None)
    scanned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class StatusEntry(Base):
    """One step of an application's timeline, as the applicant may see it."""

    __tablename__ = "status_entries"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[str | None] = mapped_column(String(64))


class ClusterPriority(Base):
    """Innovasjonsrammen stage 5: one cluster's ranked proposals in one call."""

    __tablename__ = "cluster_priorities"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), primary_key=True)
    cluster_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    proposals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    not_forwarded: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Who the programme writes to about this forwarding (never in the event: personal data)
    contact_name: Mapped[str | None] = mapped_column(String(200), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(320), default=None)


class MailMessage(MailMessageMixin, Base):
    """The mail outbox: written with the change, sent later by the shared mail worker."""

    __tablename__ = "mail_outbox"
    # Receipt limits count one address's mails over the last hour (submission/limits.py).
    __table_args__ = (Index("ix_mail_outbox_recipient_created", "recipient", "created_at"),)


class RankingEntry(Base):
    """One application's line in a published ranking (from RankingPublished and
    FundingRecommended, which may arrive in either order)."""

    __tablename__ = "ranking_entries"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ranking_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(32))
    requested_amount_nok: Mapped[int | None] = mapped_column(BigInteger)
    recommended_amount_nok: Mapped[int | None] = mapped_column(BigInteger)


class Ranking(Base):
    """A published ranking of a call; decisions follow the highest version."""

    __tablename__ = "rankings"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ranking_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_frame_nok: Mapped[int] = mapped_column(BigInteger)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Decision(Base):
    """The decision on one application; its versions hold what was decided."""

    __tablename__ = "decisions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), unique=True
    )
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), index=True)
    current_version: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class DecisionVersion(Base):
    """One version of a decision: drafted by one officer, approved by another."""

    __tablename__ = "decision_versions"

    decision_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("decisions.id"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))
    amount_nok: Mapped[int] = mapped_column(BigInteger)
    amount_reason: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    ranking_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acceptance_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DecisionAudit(Base):
    """Who did what to a decision, when."""

    __tablename__ = "decision_audit"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("decisions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class DecisionAcceptance(Base):
    """A granted applicant's answer (or the lapse of its deadline) to one decision version."""

    __tablename__ = "decision_acceptances"
    __table_args__ = (UniqueConstraint("decision_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("decisions.id"))
    version: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(16))
    answered_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DecisionLetter(Base):
    """The letter of one approved decision version, as sent: PDF bytes and their SHA-256."""

    __tablename__ = "decision_letters"
    __table_args__ = (UniqueConstraint("decision_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("decisions.id"))
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PublishedResults(Base):
    """The granted list of a call as an officer published it (a snapshot, public)."""

    __tablename__ = "published_results"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), primary_key=True)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
