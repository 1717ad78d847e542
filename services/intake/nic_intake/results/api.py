"""Published results: an officer publishes; anyone reads (JSON or CSV), no token needed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from nic_intake.applications.api import ERRORS, problem_doc
from nic_intake.results import service
from nic_intake.results.schemas import PublishedResultsOut
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.export import safe_cell, to_csv

router = APIRouter(tags=["results"])
Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
# OpenAPI: an empty security requirement says "no token" (the contract test reads it).
PUBLIC: dict[str, object] = {"security": []}
NOT_PUBLISHED: dict[int | str, dict[str, object]] = {
    404: problem_doc("Not published (or no such call)")
}


@router.post(
    "/v1/calls/{call_id}/results/publish",
    response_model=PublishedResultsOut,
    summary="Publish the call's granted projects (officer)",
    responses={**ERRORS, 409: problem_doc("No sent grants to publish")},
)
async def publish_results(
    call_id: UUID, session: SessionDep, clock: ClockDep, officer: Officer
) -> PublishedResultsOut:
    return await service.publish(session, officer=officer, call_id=call_id, now=clock())


@router.get(
    "/v1/public/calls/{call_id}/results",
    response_model=PublishedResultsOut,
    summary="The published granted projects of a call (public)",
    responses=NOT_PUBLISHED,
    openapi_extra=PUBLIC,
)
async def public_results(call_id: UUID, session: SessionDep) -> PublishedResultsOut:
    return await service.published(session, call_id)


@router.get(
    "/v1/public/calls/{call_id}/results.csv",
    summary="The published granted projects of a call as CSV (public)",
    response_class=Response,
    responses={**NOT_PUBLISHED, 200: {"content": {"text/csv": {}}}},
    openapi_extra=PUBLIC,
)
async def public_results_csv(call_id: UUID, session: SessionDep) -> Response:
    out = await service.published(session, call_id)
    rows = [["project_title", "owner", "amount_nok"]] + [
        [safe_cell(item.project_title), safe_cell(item.owner), item.amount_nok]
        for item in out.items
    ]
    return Response(
        to_csv(rows),  # UTF-8 with a byte-order mark: Excel reads æ, ø and å
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="results-{out.call_code}.csv"'},
    )
