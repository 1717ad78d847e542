"""Public reads of calls: only published calls, open or upcoming (closed ones on request).
A draft call is the same 404 as no call at all."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.domain.deadline import in_oslo
from nic_intake.models import Call
from nic_intake.public import documents
from nic_intake.public.models import CallDocument
from nic_intake.public.schemas import (
    CriterionOut,
    DocumentOut,
    DocumentVersionOut,
    OsloTime,
    PublicCallOut,
    PublicCallSummary,
    PublicStatus,
)
from nic_shared.events.specs import LocalText, ScoringSchemeSpec
from nic_shared.problems import NotFound

MONTHS_NB = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
NNBSP = "\u202f"  # narrow no-break space: Norwegian digit grouping that never wraps


def status(call: Call, now: datetime) -> PublicStatus:
    if now < call.opens_at:
        return PublicStatus.UPCOMING
    return PublicStatus.OPEN if now < call.deadline else PublicStatus.CLOSED


def oslo_time(instant: datetime) -> OsloTime:
    local = in_oslo(instant)
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    clock = local.strftime("%H:%M")
    return OsloTime(
        utc=instant,
        oslo=local.isoformat(),
        text=LocalText(
            nb=f"{local.day}. {MONTHS_NB[local.month - 1]} {local.year} kl. {clock} (norsk tid)",
            en=f"{local.day} {MONTHS_EN[local.month - 1]} {local.year} at {clock} "
            f"(Norwegian time, {offset})",
        ),
    )


def nok(amount: int, lang: str) -> str:
    """25 000 000 kr (nb, narrow no-break spaces) or NOK 25,000,000 (en)."""
    grouped = f"{amount:,}"
    if lang == "nb":
        return grouped.replace(",", NNBSP) + f"{NNBSP}kr"
    return f"NOK {grouped}"


async def published(session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await session.get(Call, call_id)
    if call is None or call.published_at is None:
        raise NotFound(f"no call {call_id}", detail_nb="finner ikke utlysningen")
    return call


async def listing(
    session: AsyncSession,
    *,
    now: datetime,
    include_closed: bool,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[Call]:
    """Published calls, the nearest deadline first (then id: a stable order for paging)."""
    query = (
        select(Call)
        .where(Call.published_at.is_not(None))
        .order_by(Call.deadline, Call.id)
        .limit(limit)
    )
    if not include_closed:
        query = query.where(Call.deadline > now)
    if after is not None:
        deadline, ident = after
        query = query.where(
            (Call.deadline > deadline) | ((Call.deadline == deadline) & (Call.id > ident))
        )
    return list((await session.scalars(query)).all())


def summary(call: Call, now: datetime) -> PublicCallSummary:
    return PublicCallSummary(
        id=call.id,
        code=call.code,
        status=status(call, now),
        title=LocalText(nb=call.title_nb, en=call.title_en),
        opens_at=oslo_time(call.opens_at),
        deadline=oslo_time(call.deadline),
        budget_frame_nok=call.budget_frame_nok,
        url=f"/v1/public/calls/{call.id}",
        html_url=f"/calls/{call.id}",
    )


def version_out(row: CallDocument) -> DocumentVersionOut:
    return DocumentVersionOut(
        id=row.id,
        kind=row.kind,
        version=row.version,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        download_url=f"/v1/public/calls/{row.call_id}/documents/{row.id}",
    )


def grouped(rows: list[CallDocument]) -> list[DocumentOut]:
    """Rows ordered by kind, newest version first -> one entry per kind."""
    out: list[DocumentOut] = []
    for row in rows:
        version = version_out(row)
        if out and out[-1].kind == row.kind:
            out[-1].versions.append(version)
            continue
        kind = documents.DocumentKind(row.kind)
        out.append(
            DocumentOut(
                kind=row.kind, label=documents.LABELS[kind], latest=version, versions=[version]
            )
        )
    return out


def criteria(call: Call) -> list[CriterionOut]:
    scheme = ScoringSchemeSpec.model_validate(call.scoring_scheme)
    return [
        CriterionOut(id=c.id, name=c.name, weight_percent=c.weight, threshold=c.threshold)
        for c in scheme.criteria
    ]


async def detail(session: AsyncSession, call: Call, now: datetime) -> PublicCallOut:
    rows = await documents.for_call(session, call.id)
    return PublicCallOut(
        **summary(call, now).model_dump(),
        description=LocalText(nb=call.description_nb, en=call.description_en),
        grant_min_nok=call.grant_min_nok,
        grant_max_nok=call.grant_max_nok,
        max_aid_intensity_percent=call.max_aid_intensity_percent,
        criteria=criteria(call),
        documents=grouped(rows),
    )
