"""The call documents table (its own module: `nic_intake.main` imports it so the table is in
the metadata)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from nic_intake.models import Base
from nic_shared.db import UtcDateTime


class CallDocument(Base):
    """One version of one kind of document a call publishes (application template, guide,
    ...). A new upload of a kind adds the next version; older versions are kept."""

    __tablename__ = "call_documents"
    __table_args__ = (UniqueConstraint("call_id", "kind", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("calls.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
