"""Requests for more information on a submitted application, and the applicant's answers.

The thread is part of the case: append-only (an answer is never changed or removed), every
step on the application's timeline, mailed through the shared mail path.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from nic_intake.models import Application, Base
from nic_shared.db import UtcDateTime
from nic_shared.problems import Conflict, NotFound

OPEN, CLOSED = "open", "closed"


class InfoRequest(Base):
    __tablename__ = "info_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class InfoAnswer(Base):
    __tablename__ = "info_answers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("info_requests.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # AttachmentRef dicts
    answered_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


async def open_request(
    session: AsyncSession, app: Application, request_id: uuid.UUID
) -> InfoRequest:
    """The application's request, if it still takes answers (409 once closed)."""
    request = await session.get(InfoRequest, request_id)
    if request is None or request.application_id != app.id:
        raise NotFound(
            f"no information request {request_id}", detail_nb="finner ikke forespørselen"
        )
    if request.status != OPEN:
        raise Conflict(
            "this request for information is closed; it takes no more answers",
            detail_nb="forespørselen er lukket og tar ikke imot flere svar",
            slug="info-request-closed",
        )
    return request
