"""Eligibility's tables. Its copy of each call's rule set comes from CallPublished.

An assessment is one decision on one submitted version of an application. The latest
version's assessment is `current`; earlier ones stay as history. `outcome` is the effective
outcome (the automatic one until an officer overrides it); every override is a row in
`assessment_overrides`, the audit trail, and bumps `revision` (the assessment's ETag).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
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

OPEN, CLOSED = "open", "closed"


class CallRuleSet(Base):
    __tablename__ = "call_rule_sets"

    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    rule_set: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("application_id", "version", name="uq_assessments_application_version"),
        Index("ix_assessments_queue", "outcome", "status", "current", "assessed_at"),
        Index("ix_assessments_application_current", "application_id", "current"),
        Index("ix_assessments_call", "call_id", "assessed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)
    applicant_org_number: Mapped[str] = mapped_column(String(9))
    current: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    automatic_outcome: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    rule_set: Mapped[str] = mapped_column(String(64))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts_as_of: Mapped[date] = mapped_column(Date)
    application: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_event_id: Mapped[str] = mapped_column(String(64))


class OverrideRow(Base):
    __tablename__ = "assessment_overrides"
    __table_args__ = (
        Index("ix_assessment_overrides_assessment", "assessment_id", "overridden_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assessments.id"))
    previous_outcome: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    overridden_by: Mapped[str] = mapped_column(String(200))
    overridden_at: Mapped[datetime] = mapped_column(UtcDateTime)
