"""GET the programme report for a year (or a range inside it): JSON, CSV, XLSX, charts."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from nic_registry.access import Officer
from nic_registry.problems import invalid_parameter, oslo_today
from nic_registry.programme import charts, exports
from nic_registry.programme.schemas import ProgrammeReportOut
from nic_registry.programme.service import ProgrammeReport, programme_report
from nic_shared import problems
from nic_shared.clock import ClockDep
from nic_shared.db import SessionDep
from nic_shared.export import export_language

router = APIRouter(prefix="/v1/programme-reports", tags=["reports"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Programme officers only", **_P},
    422: {"description": "A year in the future, or a range outside the year", **_P},
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Indicator = StrEnum("Indicator", {k: k for k in exports.INDICATORS})  # type: ignore[misc]


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


Year = Annotated[
    int,
    Path(
        ge=2000,
        le=2100,
        description="The report's year; one that has not begun (Oslo today) is 422, rule "
        "not_in_future: it moves with the date, so no schema bound states it.",
    ),
]
FromDate = Annotated[
    date | None,
    Query(description="First day; default 1 January. Inside the year (422, rule within_year)."),
]
ToDate = Annotated[
    date | None,
    Query(
        description="Last day; default 31 December. Inside the year (within_year), not "
        "before from_date (end-before-start)."
    ),
]


def _range(
    year: int, from_date: date | None, to_date: date | None, today: date
) -> tuple[date, date]:
    """The checked range: not a future year, inside the year, first day before the last."""
    if year > today.year:
        raise invalid_parameter(
            "year", "path", "not_in_future", f"{year} has not begun (today is {today})"
        )
    first, last = from_date or date(year, 1, 1), to_date or date(year, 12, 31)
    for name, day in (("from_date", first), ("to_date", last)):
        if day.year != year:
            raise invalid_parameter(name, "query", "within_year", f"{day} is not in {year}")
    if last < first:
        raise invalid_parameter(
            "to_date", "query", "end-before-start", f"to_date {last} is before from_date {first}"
        )
    return first, last


async def _report(
    session: SessionDep, year: int, from_date: date | None, to_date: date | None, today: date
) -> ProgrammeReport:
    first, last = _range(year, from_date, to_date, today)
    return await programme_report(session, first, last)


@router.get(
    "/{year}",
    summary="The programme report across all clusters (JSON, CSV or XLSX)",
    responses={
        **ERRORS,
        200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}},
    },
    response_model=ProgrammeReportOut,
)
async def get_programme_report(
    year: Year,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    from_date: FromDate = None,
    to_date: ToDate = None,
    format: Format = Format.JSON,
    accept_language: Annotated[str | None, Header()] = None,
) -> Any:
    report = await _report(session, year, from_date, to_date, oslo_today(clock()))
    name = f"programrapport-{report.first}-{report.last}"
    lang = export_language(accept_language)
    if format is Format.CSV:
        return Response(
            exports.to_csv(report, lang),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if format is Format.XLSX:
        return Response(
            exports.to_xlsx(report, lang),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    body = dataclasses.asdict(report)
    return ProgrammeReportOut(
        **{k: v for k, v in body.items() if k not in ("first", "last")},
        from_date=report.first,
        to_date=report.last,
    )


@router.get(
    "/{year}/charts/{indicator}",
    summary="One indicator as a PNG bar chart, for the annual report",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"image/png": {}}}},
)
async def get_programme_chart(
    year: Year,
    indicator: Indicator,
    session: SessionDep,
    clock: ClockDep,
    _who: Officer,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> Response:
    report = await _report(session, year, from_date, to_date, oslo_today(clock()))
    png = await asyncio.to_thread(charts.chart_png, report, indicator.value)
    return Response(png, media_type="image/png")
