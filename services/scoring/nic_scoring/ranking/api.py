"""Ranking routes (officers): preview, publish a version, read versions, export."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Response

from nic_scoring import models
from nic_scoring.common import Officer
from nic_scoring.domain.export import ranking_rows, to_csv
from nic_scoring.problem_types import SCORING_CONFLICTS
from nic_scoring.ranking import schemas, service, staleness
from nic_scoring.ranking.staleness import TEXTS
from nic_scoring.ranking.xlsx import ranking_xlsx
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.export import XLSX_MEDIA_TYPE as XLSX
from nic_shared.export import export_language
from nic_shared.http import Version
from nic_shared.idempotency import RESPONSES as IDEMPOTENT_RESPONSES
from nic_shared.idempotency import Idempotent

router = APIRouter(prefix="/v1/calls/{call_id}", tags=["ranking"], responses=SCORING_CONFLICTS)


@router.get(
    "/ranking/preview",
    response_model=schemas.PreviewOut,
    summary="The ranking the current results give, and whether the latest version matches",
)
async def preview_ranking(call_id: UUID, session: SessionDep, _who: Officer) -> schemas.PreviewOut:
    return await service.preview(session, call_id)


@router.post(
    "/rankings",
    response_model=schemas.RankingOut,
    status_code=201,
    summary="Publish the ranking: a new version when the inputs changed, else the latest",
    responses={
        200: {"description": "The inputs are unchanged: the latest version"},
        **IDEMPOTENT_RESPONSES,
    },
)
async def publish_ranking(
    call_id: UUID,
    body: schemas.PublishIn,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    response: Response,
    once: Idempotent,
) -> schemas.RankingOut | Response:
    async def work() -> schemas.RankingOut:
        row, new = await service.publish(session, who, call_id, body.allow_unscored, clock())
        if not new:
            response.status_code = 200
        response.headers["Location"] = f"/v1/calls/{call_id}/rankings/{row.version}"
        return await service.ranking_out(session, row)

    return await once.run(work, body=body.model_dump(mode="json"), response=response)


@router.get("/rankings/latest", response_model=schemas.RankingOut, summary="The latest version")
async def latest_ranking(call_id: UUID, session: SessionDep, _who: Officer) -> schemas.RankingOut:
    return await service.ranking_out(session, await service.get_version(session, call_id, None))


@router.get("/rankings/{version}", response_model=schemas.RankingOut, summary="One version")
async def get_ranking(
    call_id: UUID, version: Version, session: SessionDep, _who: Officer
) -> schemas.RankingOut:
    return await service.ranking_out(session, await service.get_version(session, call_id, version))


@router.get(
    "/rankings/{version}/export",
    summary="The version as CSV or XLSX for the panel meeting",
    description="CSV: UTF-8 with a byte-order mark, the column keys as header. XLSX: headers "
    "in Norwegian (English with `Accept-Language: en`), NOK and score formats, the call code "
    "on the tab and an about sheet with the budget frame and the publication time.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
async def export_ranking(
    call_id: UUID,
    version: Version,
    session: SessionDep,
    _who: Officer,
    format: Literal["csv", "xlsx"] = "csv",
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    row = await service.get_version(session, call_id, version)
    facts = await staleness.facts_for(session, row)
    stale = {f.application_id: f"stale: {TEXTS[f.reason][0]}" for f in facts if f.application_id}
    rows = ranking_rows(service.entries_of(row), stale=stale if facts else None)
    name = f"ranking-{call_id}-v{version}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "xlsx":
        call = await session.get(models.CallScheme, call_id)
        book = ranking_xlsx(
            rows,
            lang=export_language(accept_language),
            call_code=call.code if call is not None else str(call_id),
            version=row.version,
            budget_frame_nok=row.budget_frame_nok,
            recommended_total_nok=row.recommended_total_nok,
            published_at=row.published_at,
            stale=bool(facts),
        )
        return Response(book, media_type=XLSX, headers=disposition)
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=disposition)
