"""Scoring's tables. Its copy of each call's scoring scheme comes from CallPublished."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from nic_shared.db import UtcDateTime, new_metadata
from nic_shared.messaging_tables import define_messaging_tables
from sqlalchemy import JSON, BigInteger, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
