"""The consortium of one application: partner organisations invited by the owner, their role
on the application, and each partner's confirmation of its part.

Roles: the applicant organisation is the owner (edit, submit); a partner that accepted an
invitation is a viewer (read) or an editor (read and edit the content), as invited. A
confirmation covers the partner's own budget lines as they stood: when they change, it no
longer counts (`budget_sha256`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from nic_intake.models import Application, Base
from nic_shared.auth import Principal, Role
from nic_shared.db import UtcDateTime

VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"
_Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Invitation(Base):
    __tablename__ = "partner_invitations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), index=True
    )
    org_number: Mapped[str] = mapped_column(String(9))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | accepted
    invited_by: Mapped[str] = mapped_column(String(200))
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_by: Mapped[str | None] = mapped_column(String(200), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class Member(Base):
    """A partner organisation's role on an application (after it accepted)."""

    __tablename__ = "application_members"
    __table_args__ = (UniqueConstraint("application_id", "org_number"),)

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), index=True
    )
    org_number: Mapped[str] = mapped_column(String(9))
    role: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(UtcDateTime)


class Confirmation(Base):
    """A partner's confirmation of its participation and its budget lines (latest counts)."""

    __tablename__ = "partner_confirmations"
    __table_args__ = (UniqueConstraint("application_id", "org_number"),)

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("applications.id"), index=True
    )
    org_number: Mapped[str] = mapped_column(String(9))
    budget_sha256: Mapped[str] = mapped_column(String(64))
    de_minimis_headroom_nok: Mapped[int | None] = mapped_column(BigInteger, default=None)
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)


def partner_budget_sha256(content: dict[str, Any], org_number: str) -> str:
    """A digest of one partner's budget lines in a draft: what its confirmation covers."""
    lines = sorted(
        json.dumps(line, sort_keys=True)
        for line in content.get("budget", [])
        if line.get("partner") == org_number
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


async def role_on(session: AsyncSession, principal: Principal, app: Application) -> str | None:
    """The caller's organisation's role on the application, if it has one."""
    if not principal.has_role(Role.APPLICANT) or not principal.org_number:
        return None
    if principal.org_number == app.applicant_org_number:
        return OWNER
    role: str | None = await session.scalar(
        select(Member.role).where(
            Member.application_id == app.id, Member.org_number == principal.org_number
        )
    )
    return role
