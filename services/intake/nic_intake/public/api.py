"""Call documents (officer uploads) and the public call pages: JSON under /v1/public/calls,
HTML under /calls. The public routes need no token (`security: []` in the OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from nic_intake.attachments.service import (
    UPLOAD_BODY,
    ContentLengthHeader,
    ContentTypeHeader,
    check_upload,
)
from nic_intake.attachments.storage import AttachmentStorage
from nic_intake.calls import service as call_service
from nic_intake.public import documents, html, service
from nic_intake.public.models import CallDocument
from nic_intake.public.schemas import (
    DocumentList,
    DocumentVersionOut,
    PublicCallOut,
    PublicCallPage,
)
from nic_intake.settings import IntakeSettings
from nic_shared import problems
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import Database, SessionDep
from nic_shared.http import decode_cursor, encode_cursor
from nic_shared.i18n import language
from nic_shared.problems import BadRequest

router = APIRouter(tags=["public calls"])
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
PUBLIC: dict[str, object] = {"security": []}
CACHE = "public, max-age=60"
DOC = problems.problem_doc
OFFICER_ERRORS: dict[int | str, dict[str, object]] = {
    401: DOC("No valid token"),
    403: DOC("Not a programme officer"),
    404: DOC("No such call"),
}
NOT_PUBLISHED: dict[int | str, dict[str, object]] = {
    400: DOC("A paging cursor this API did not issue"),
    404: DOC("No such call, or not published"),
    422: DOC("Invalid query parameter"),
}
Lang = Annotated[Literal["nb", "en"] | None, Query(description="Page language (default nb)")]
Include = Annotated[Literal["closed"] | None, Query(description="`closed`: list closed calls too")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post(
    "/v1/calls/{call_id}/documents",
    status_code=201,
    response_model=DocumentVersionOut,
    summary="Upload a call document (officer): the raw body, streamed; the kind's next version",
    openapi_extra=UPLOAD_BODY,
    responses={
        **OFFICER_ERRORS,
        409: DOC("Another version of this kind was uploaded at the same time"),
        413: DOC("Too large"),
        415: DOC("Content type not allowed"),
        422: DOC("Unknown kind, no file name or an empty file"),
    },
)
async def upload_document(
    call_id: UUID,
    request: Request,
    clock: ClockDep,
    officer: Officer,
    kind: Annotated[documents.DocumentKind, Query()],
    filename: Annotated[str, Query(min_length=1, max_length=255, pattern=r"\S")],
    content_type: ContentTypeHeader = None,
    content_length: ContentLengthHeader = None,
) -> DocumentVersionOut:
    settings: IntakeSettings = request.app.state.settings
    media = check_upload(
        settings,
        content_type,
        content_length,
        slug="call-document-type-refused",
        what="a call document",
    )
    row = await documents.upload(
        request.app.state.db,
        request.app.state.storage,
        call_id=call_id,
        kind=kind,
        filename=filename,
        content_type=media,
        chunks=request.stream(),
        max_bytes=settings.attachment_max_bytes,
        uploaded_by=officer.subject,
        now=clock(),
    )
    return service.version_out(row)


@router.get(
    "/v1/calls/{call_id}/documents",
    response_model=DocumentList,
    summary="A call's documents, every version, also of a draft call (officer)",
    responses=OFFICER_ERRORS,
)
async def officer_documents(call_id: UUID, session: SessionDep, _officer: Officer) -> DocumentList:
    await call_service.get(session, call_id)
    rows = await documents.for_call(session, call_id)
    return DocumentList(call_id=call_id, documents=service.grouped(rows))


@router.get(
    "/v1/public/calls",
    response_model=PublicCallPage,
    summary="Published calls that are open or upcoming, nearest deadline first (public)",
    responses=NOT_PUBLISHED,
    openapi_extra=PUBLIC,
)
async def public_calls(
    session: SessionDep,
    clock: ClockDep,
    response: Response,
    include: Include = None,
    limit: Limit = 50,
    cursor: str | None = None,
) -> PublicCallPage:
    response.headers["Cache-Control"] = CACHE
    return await _page(session, clock(), include == "closed", limit, cursor)


@router.get(
    "/v1/public/calls/{call_id}",
    response_model=PublicCallOut,
    summary="A published call: texts, dates, budget frame, criteria, documents (public)",
    responses=NOT_PUBLISHED,
    openapi_extra=PUBLIC,
)
async def public_call(
    call_id: UUID, session: SessionDep, clock: ClockDep, response: Response
) -> PublicCallOut:
    response.headers["Cache-Control"] = CACHE
    call = await service.published(session, call_id)
    return await service.detail(session, call, clock())


@router.get(
    "/v1/public/calls/{call_id}/documents/{document_id}",
    summary="Download a published call's document (public)",
    response_class=StreamingResponse,
    responses={
        **NOT_PUBLISHED,
        200: {"content": {"application/octet-stream": {}}},
        304: {"description": "Not modified (If-None-Match)"},
    },
    openapi_extra=PUBLIC,
)
async def public_document(
    call_id: UUID,
    document_id: UUID,
    request: Request,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    db: Database = request.app.state.db
    async with db.transaction() as session:  # closed before the bytes stream
        await service.published(session, call_id)
        row = await documents.one(session, call_id, document_id)
    tag = f'"{row.sha256}"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=300"}
    if if_none_match and tag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return _download(request.app.state.storage, row, headers)


@router.get(
    "/v1/calls/{call_id}/documents/{document_id}",
    summary="Download a call document, also of a draft call (officer)",
    response_class=StreamingResponse,
    responses={**OFFICER_ERRORS, 200: {"content": {"application/octet-stream": {}}}},
)
async def officer_document(
    call_id: UUID, document_id: UUID, request: Request, _officer: Officer
) -> StreamingResponse:
    db: Database = request.app.state.db
    async with db.transaction() as session:
        row = await documents.one(session, call_id, document_id)
    return _download(request.app.state.storage, row, {"ETag": f'"{row.sha256}"'})


@router.get(
    "/calls",
    response_class=HTMLResponse,
    summary="The open and upcoming calls as an HTML page (public)",
    responses={**NOT_PUBLISHED, 200: {"content": {"text/html": {}}}},
    openapi_extra=PUBLIC,
)
async def calls_page(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    lang: Lang = None,
    include: Include = None,
    limit: Limit = 50,
    cursor: str | None = None,
) -> HTMLResponse:
    page = await _page(session, clock(), include == "closed", limit, cursor)
    chosen = _lang(lang, request)
    return _html(html.listing_page(page, chosen, include_closed=include == "closed"))


@router.get(
    "/calls/{call_id}",
    response_class=HTMLResponse,
    summary="A published call as an HTML page (public)",
    responses={**NOT_PUBLISHED, 200: {"content": {"text/html": {}}}},
    openapi_extra=PUBLIC,
)
async def call_page(
    call_id: UUID, request: Request, session: SessionDep, clock: ClockDep, lang: Lang = None
) -> HTMLResponse:
    call = await service.published(session, call_id)
    out = await service.detail(session, call, clock())
    return _html(html.call_page(out, _lang(lang, request)))


async def _page(
    session: SessionDep, now: datetime, include_closed: bool, limit: int, cursor: str | None
) -> PublicCallPage:
    after = _after(cursor) if cursor else None
    calls = await service.listing(
        session, now=now, include_closed=include_closed, limit=limit, after=after
    )
    next_cursor = (
        encode_cursor(calls[-1].deadline.isoformat(), str(calls[-1].id))
        if len(calls) == limit
        else None
    )
    return PublicCallPage(items=[service.summary(c, now) for c in calls], next_cursor=next_cursor)


def _after(cursor: str) -> tuple[datetime, UUID]:
    values = decode_cursor(cursor)
    try:
        deadline, ident = values
        after = datetime.fromisoformat(deadline), UUID(ident)
    except (TypeError, ValueError) as exc:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor") from exc
    if after[0].tzinfo is None:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor")
    return after


def _lang(lang: str | None, request: Request) -> str:
    if lang is not None:
        return lang
    header = request.headers.get("accept-language")
    return language(header) if header else "nb"


def _html(page: str) -> HTMLResponse:
    return HTMLResponse(
        page,
        headers={
            "Cache-Control": CACHE,
            "Content-Security-Policy": html.CSP,
            "X-Content-Type-Options": "nosniff",
        },
    )


def _download(
    storage: AttachmentStorage, row: CallDocument, headers: dict[str, str]
) -> StreamingResponse:
    """The document's bytes, streamed, named and never sniffed into another type."""
    return StreamingResponse(
        storage.read(row.storage_key),
        media_type=row.content_type,
        headers={
            "Content-Length": str(row.size_bytes),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
            **headers,
        },
    )
