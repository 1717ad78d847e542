"""Annual evaluation endpoints: officers run, assess and decide; a cluster manager reads their
own cluster's decided evaluations and its expiry warnings (another cluster's are 404)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response

from nic_registry.access import ClusterWriter, Officer
from nic_registry.clusters.service import exists
from nic_registry.domain.evaluation import Outcome, evaluation_window
from nic_registry.evaluations import service
from nic_registry.evaluations.schemas import (
    DecideIn,
    EvaluationOut,
    EvaluationPage,
    EvaluationPatch,
    RunIn,
    RunOut,
    Status,
    WarningsOut,
)
from nic_registry.models import Evaluation
from nic_registry.paging import Cursor, Limit, after, next_cursor
from nic_registry.problems import invalid, invalid_parameter, oslo_today
from nic_shared import problems
from nic_shared.auth import Principal, Role
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.http import etag, require_if_match
from nic_shared.problems import BadRequest, NotFound

router = APIRouter(prefix="/v1/evaluations", tags=["evaluations"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Not allowed for this role", **_P},
    404: {"description": "No such evaluation, or not the caller's cluster", **_P},
    422: {"description": "Invalid input, naming the field and the rule", **_P},
}
_CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "The evaluation is decided and cannot change", **_P},
    412: {"description": "If-Match is stale", **_P},
    428: {"description": "If-Match is missing", **_P},
}
Year = Annotated[
    int,
    Path(
        ge=2000,
        le=2100,
        description="The evaluation year; one that has not begun (Oslo today) is 422, rule "
        "not_in_future: it moves with the date, so no schema bound states it.",
    ),
]
LeadDays = Annotated[
    int | None,
    Query(ge=1, le=730, description="Days ahead to warn; default the registry's setting."),
]
IfMatch = Annotated[str | None, Header(description="The evaluation's ETag.")]


def _is_officer(who: Principal) -> bool:
    return who.has_role(Role.PROGRAMME_OFFICER)


def _lead_days(request: Request, given: int | None) -> int:
    return given if given is not None else int(request.app.state.settings.expiry_warning_lead_days)


def _after(cursor: str | None) -> list[Any] | None:
    """The (year, id) a cursor carries; one that decodes to something else is a 400."""
    key = after(cursor, 2)
    if key is None:
        return None
    try:
        return [int(key[0]), UUID(str(key[1]))]
    except (TypeError, ValueError) as exc:
        raise BadRequest("the cursor is not one this API issued", slug="invalid-cursor") from exc


def _as_of(year: int, given: date | None, today: date) -> date:
    """The run's date: not a future year, inside the year, not after today."""
    if year > today.year:
        raise invalid_parameter(
            "year", "path", "not_in_future", f"{year} has not begun (today is {today})"
        )
    if given is None:
        return evaluation_window(year, today)
    if given.year != year:
        raise invalid("#/as_of", "within_year", f"{given} is not in {year}")
    if given > today:
        raise invalid("#/as_of", "not_in_future", f"{given} is after today ({today})")
    return given


@router.post(
    "/{year}/run",
    response_model=RunOut,
    summary="Draft the evaluation of every cluster in the programme for the year",
    responses={**ERRORS, 201: {"description": "Evaluations drafted"}},
)
async def run_year(
    year: Year,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    request: Request,
    response: Response,
    body: Annotated[
        RunIn | None,
        Body(
            openapi_examples={
                "year_end": {"summary": "31 December, or today", "value": {}},
                "date": {"summary": "At a date in the year", "value": {"as_of": "2024-12-31"}},
            }
        ),
    ] = None,
) -> RunOut:
    as_of = _as_of(year, body.as_of if body else None, oslo_today(clock()))
    created = await service.run(
        session,
        year=year,
        as_of=as_of,
        lead_days=_lead_days(request, None),
        actor=who.subject,
        now=clock(),
    )
    items = await service.year_summaries(session, year)
    response.status_code = 201 if created else 200
    return RunOut(
        year=year,
        as_of=as_of,
        created=created,
        existing=len(items) - created,
        items=items,
    )


@router.get(
    "/warnings",
    summary="Level periods, ESCA labels and mature qualifications running out soon",
    responses=ERRORS,
)
async def expiry_warnings(
    session: SessionDep,
    clock: ClockDep,
    who: ClusterWriter,
    request: Request,
    as_of: date | None = None,
    lead_days: LeadDays = None,
) -> WarningsOut:
    day = as_of or oslo_today(clock())
    lead = _lead_days(request, lead_days)
    own = None if _is_officer(who) else [c for c in [who.cluster_id] if c is not None]
    items = await service.warnings(session, as_of=day, lead_days=lead, cluster_ids=own)
    return WarningsOut(as_of=day, lead_days=lead, items=items)


@router.get(
    "",
    summary="Evaluations, by year (officers; a manager: their own decided)",
    responses=ERRORS,
)
async def list_evaluations(
    session: SessionDep,
    who: ClusterWriter,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    outcome: Outcome | None = None,
    status: Status | None = None,
    cluster_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> EvaluationPage:
    if not _is_officer(who):
        if cluster_id is not None and cluster_id != who.cluster_id:
            raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
        cluster_id, status = who.cluster_id, Status.DECIDED
        if cluster_id is None:
            return EvaluationPage(items=[])
    if cluster_id is not None:
        await exists(session, cluster_id)
    rows = await service.page(
        session,
        year=year,
        outcome=outcome,
        status=status,
        cluster_id=cluster_id,
        limit=limit,
        after=_after(cursor),
    )
    last = rows[-1][0] if rows else None
    return EvaluationPage(
        items=[service.summary(e, name) for e, name in rows],
        next_cursor=next_cursor(
            rows, limit, last.year if last else 0, str(last.id) if last else ""
        ),
    )


async def _readable(
    session: SessionDep, evaluation_id: UUID, who: Principal
) -> tuple[Evaluation, str]:
    row, name = await service.get(session, evaluation_id)
    if _is_officer(who):
        return row, name
    if who.cluster_id == row.cluster_id and row.status == Status.DECIDED.value:
        return row, name
    raise NotFound(f"no evaluation {evaluation_id}", detail_nb=f"ingen evaluering {evaluation_id}")


async def _answer(
    session: SessionDep, row: Evaluation, name: str, who: Principal, response: Response
) -> EvaluationOut:
    response.headers["ETag"] = etag(row.version)
    audit = await service.audit_of(session, row.id) if _is_officer(who) else None
    return service.to_out(row, name, audit)


@router.get(
    "/{evaluation_id}", summary="One evaluation: facts, checklist, outcome", responses=ERRORS
)
async def get_evaluation(
    evaluation_id: UUID, session: SessionDep, who: ClusterWriter, response: Response
) -> EvaluationOut:
    row, name = await _readable(session, evaluation_id, who)
    return await _answer(session, row, name, who, response)


@router.patch(
    "/{evaluation_id}",
    summary="Write the assessment and override checklist verdicts (with a note)",
    responses=_CHANGE_ERRORS,
)
async def update_evaluation(
    evaluation_id: UUID,
    body: EvaluationPatch,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    response: Response,
    if_match: IfMatch = None,
) -> EvaluationOut:
    row, name = await service.get(session, evaluation_id)
    require_if_match(if_match, row.version)
    await service.update(session, row, body, who.subject, clock())
    return await _answer(session, row, name, who, response)


@router.post(
    "/{evaluation_id}/decide",
    summary="Decide the outcome: continue, warning or exit (audited, published, final)",
    responses=_CHANGE_ERRORS,
)
async def decide_evaluation(
    evaluation_id: UUID,
    body: DecideIn,
    session: SessionDep,
    clock: ClockDep,
    who: Officer,
    response: Response,
    if_match: IfMatch = None,
) -> EvaluationOut:
    row, name = await service.get(session, evaluation_id)
    if if_match is not None:
        require_if_match(if_match, row.version)
    await service.decide(session, row, body.outcome, who.subject, clock())
    return await _answer(session, row, name, who, response)
