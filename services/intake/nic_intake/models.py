"""Intake's tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.messaging_tables import define_messaging_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)


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
