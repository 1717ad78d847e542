"""Intake's tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, Uuid
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
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailMessage(MailMessageMixin, Base):
    """The mail outbox: written with the change, sent later by the shared mail worker."""

    __tablename__ = "mail_outbox"
