"""Lists of applications: filtered, cursor-paginated in a stable order, and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from nic_intake.applications import service
from nic_intake.applications.api import ERRORS
from nic_intake.applications.schemas import ApplicationListItem, ApplicationPage, ApplicationStatus
from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.db import SessionDep
from nic_shared.events.specs import Scheme
from nic_shared.export import BOM, safe_cell
from nic_shared.http import decode_cursor, encode_cursor
from nic_shared.problems import BadRequest

router = APIRouter(tags=["applications"])
Anyone = Annotated[Principal, Depends(authenticate)]
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]

CSV_COLUMNS = [
    "id",
    "call_id",
    "scheme",
    "applicant_org_number",
    "title",
    "status",
    "stage",
    "version",
    "requested_amount_nok",
    "submitted_at",
    "created_at",
]


def _after(cursor: str | None) -> tuple[datetime, UUID] | None:
    if not cursor:
        return None
    values = decode_cursor(cursor)
    try:
        created, ident = values
        return datetime.fromisoformat(created), UUID(ident)
    except (ValueError, TypeError) as exc:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor") from exc


@router.get(
    "/v1/applications",
    response_model=ApplicationPage,
    summary="Applications the caller may see, oldest first (officers: all)",
    responses=ERRORS,
)
async def list_applications(
    session: SessionDep,
    principal: Anyone,
    call_id: UUID | None = None,
    status: ApplicationStatus | None = None,
    scheme: Scheme | None = None,
    stage: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> ApplicationPage:
    apps = await service.list_applications(
        session,
        principal=principal,
        call_id=call_id,
        status=status,
        scheme=scheme.value if scheme else None,
        stage=stage,
        limit=limit,
        after=_after(cursor),
    )
    next_cursor = (
        encode_cursor(apps[-1].created_at.isoformat(), str(apps[-1].id))
        if len(apps) == limit
        else None
    )
    return ApplicationPage(items=[service.to_item(a) for a in apps], next_cursor=next_cursor)


@router.get(
    "/v1/calls/{call_id}/applications",
    response_model=ApplicationPage,
    summary="A call's applications for officers, filtered by status and scheme",
    responses=ERRORS,
)
async def list_call_applications(
    call_id: UUID,
    session: SessionDep,
    officer: Officer,
    status: ApplicationStatus | None = None,
    scheme: Scheme | None = None,
    stage: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> ApplicationPage:
    return await list_applications(session, officer, call_id, status, scheme, stage, limit, cursor)


@router.get(
    "/v1/calls/{call_id}/applications.csv",
    summary="A call's applications as CSV (officers)",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
async def export_call_applications(
    call_id: UUID,
    session: SessionDep,
    officer: Officer,
    status: ApplicationStatus | None = None,
    scheme: Scheme | None = None,
    stage: str | None = None,
) -> StreamingResponse:
    apps = await service.list_applications(
        session,
        principal=officer,
        call_id=call_id,
        status=status,
        scheme=scheme.value if scheme else None,
        stage=stage,
        limit=None,
        after=None,
    )
    items = [service.to_item(a) for a in apps]
    return StreamingResponse(
        _csv_rows(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="applications-{call_id}.csv"'},
    )


def _csv_rows(items: list[ApplicationListItem]) -> Iterator[str]:
    """The CSV in chunks, a byte-order mark first so spreadsheet programs read æ, ø and å."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = item.model_dump(mode="json")
        writer.writerow(["" if row[c] is None else safe_cell(row[c]) for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
