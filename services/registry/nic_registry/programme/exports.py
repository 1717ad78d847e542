"""The programme report as rows with Norwegian headers, written as CSV, XLSX and charts.

Spreadsheet cells holding text are typed as text (never formulas); amounts are integer NOK
with a NOK number format; the header row is bold and frozen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from nic_registry.programme.service import ProgrammeReport

HEADER = ("Indikator", "Kategori", "Antall", "Beløp (NOK)")
NOK_FORMAT = '#,##0 "kr"'

INDICATORS: dict[str, str] = {
    "clusters_by_level": "Klynger etter nivå",
    "clusters_by_region": "Klynger etter region",
    "members_by_actor_type": "Medlemmer etter aktørtype",
    "new_members_by_actor_type": "Nye medlemmer etter aktørtype",
    "activities_by_area": "Aktiviteter etter utviklingsområde",
    "participants_by_area": "Deltakere etter utviklingsområde",
    "grants_by_call": "Innvilgede prosjekter per utlysning",
}


def counts_of(report: ProgrammeReport, indicator: str) -> dict[str, int]:
    """One indicator as category -> count (grants: projects per call)."""
    if indicator == "grants_by_call":
        return {_call(g.scheme, g.call_id): g.projects for g in report.grants_by_call}
    value: dict[str, int] = getattr(report, indicator)
    return value


def _call(scheme: str, call_id: object) -> str:
    """A call as a short chart label: its scheme and the start of its id."""
    return f"{scheme} {str(call_id)[:8]}"


def rows(report: ProgrammeReport) -> Iterator[tuple[str, str, int, int | None]]:
    for indicator, title in INDICATORS.items():
        if indicator == "grants_by_call":
            for g in report.grants_by_call:
                yield title, f"{g.scheme} {g.call_id}", g.projects, g.amount_nok
            continue
        for category, count in sorted(counts_of(report, indicator).items()):
            yield title, category or "(ukjent)", count, None


def to_csv(report: ProgrammeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for title, category, count, amount in rows(report):
        writer.writerow([title, category, count, "" if amount is None else amount])
    return out.getvalue()


def to_xlsx(report: ProgrammeReport) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet(f"Programmet {report.first}–{report.last}"[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_text(ws, name, font=bold) for name in HEADER])
    for title, category, count, amount in rows(report):
        money = WriteOnlyCell(ws, value=amount)
        if amount is not None:
            money.number_format = NOK_FORMAT
        ws.append([_text(ws, title), _text(ws, category), count, money])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(ws: object, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that is text whatever it starts with: '=' is never read as a formula."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
