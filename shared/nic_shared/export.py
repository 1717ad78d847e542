"""Exports for people: one cell-escaping rule, CSV with a BOM, and one XLSX layout.

A cell starting with =, +, -, @, a tab or a carriage return is run as a formula by
spreadsheet programs (CSV injection, OWASP); such text gets a leading apostrophe
(`safe_cell`). Every CSV starts with a UTF-8 byte-order mark, so Excel reads æ, ø and å.

Every XLSX (`to_xlsx`) has its header in bold on a frozen first row, headers in Norwegian
(English when Accept-Language asks for it: `nic_shared.i18n.language`), column widths,
NOK amounts as numbers with a NOK format, scores with two decimals, text cells typed as
text, and optionally an "about" sheet (call code, budget frame, publication time, ...)
so the data sheet stays one header row and its rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from nic_shared.i18n import language

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
NOK_FORMAT = '#,##0 "kr"'
"""Shown with the reader's own separators: `1 250 000 kr` in a Norwegian Excel."""
SCORE_FORMAT = "0.00"
INTEGER_FORMAT = "0"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
OSLO = ZoneInfo("Europe/Oslo")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Kind = Literal["text", "int", "nok", "score", "time"]
Lang = Literal["nb", "en"]


def export_language(accept_language: str | None) -> Lang:
    """Exports are in Norwegian unless Accept-Language prefers English."""
    return "en" if accept_language and language(accept_language) == "en" else "nb"


def safe_cell(value: object) -> str:
    """The value as cell text that a spreadsheet shows and never evaluates."""
    text = str(value)
    # Text already starting with apostrophes before a formula character gets one more, so
    # `unsafe_cell` gives back exactly what was written.
    return f"'{text}" if text.lstrip("'").startswith(FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    """`safe_cell` undone, for importing what we exported: the apostrophe goes again."""
    defused = text.startswith("'") and text.lstrip("'").startswith(FORMULA_START)
    return text[1:] if defused else text


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, its header in Norwegian and English, and what it holds."""

    key: str
    nb: str
    en: str
    kind: Kind = "text"
    width: int | None = None

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


def header(columns: Sequence[Column], lang: str) -> list[str]:
    return [c.label(lang) for c in columns]


def to_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """CSV bytes in UTF-8 with a byte-order mark, CRLF line ends (RFC 4180)."""
    return with_bom(csv_text(rows))


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def with_bom(text: str) -> bytes:
    """Text as UTF-8 bytes with one byte-order mark in front."""
    return (BOM + text.removeprefix(BOM)).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Fact:
    """One line of the about sheet: a label in both languages and its value."""

    nb: str
    en: str
    value: object
    kind: Kind = "text"


def to_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    lang: str = "nb",
    sheet: str = "Data",
    title: str | None = None,
    about: Sequence[Fact] = (),
    about_sheet: tuple[str, str] = ("Om eksporten", "About"),
) -> bytes:
    """One data sheet (header, then `rows`, cells converted by their column's kind) and,
    when `about` is given, a second sheet of label/value lines. `rows` hold values or
    their text (as a CSV writer takes them); "" and None are empty cells. Times are shown
    as Oslo wall-clock times."""
    # openpyxl only here: services that export no XLSX (intake) need not install it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws: Any = book.active
    ws.title = sheet[:31]
    bold = Font(bold=True)
    ws.append(header(columns, lang))
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([_value(c.kind, v) for c, v in zip(columns, row, strict=True)])
    for index, column in enumerate(columns, start=1):
        _format_column(ws, index, column)
    if about:
        facts = book.create_sheet(about_sheet[1] if lang == "en" else about_sheet[0])
        for fact in about:
            facts.append([fact.en if lang == "en" else fact.nb, _value(fact.kind, fact.value)])
            label, value = facts[facts.max_row]
            label.font = bold
            _format_cell(value, fact.kind)
        facts.column_dimensions["A"].width = max(len(f.en) for f in about) + 2
        facts.column_dimensions["B"].width = 40
    if title:
        book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _value(kind: Kind, value: object) -> object:
    if value is None or value == "":
        return None
    if kind in ("int", "nok"):
        return int(str(value))
    if kind == "score":
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind == "time":
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if when.tzinfo is not None:  # a spreadsheet holds wall-clock times: Oslo's
            when = when.astimezone(OSLO).replace(tzinfo=None)
        return when.replace(microsecond=0)
    return str(value)


def _format_column(ws: Any, index: int, column: Column) -> None:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index)
    widest = len(column.nb)
    for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
        _format_cell(cell, column.kind)
        widest = max(widest, len(str(cell.value or "")))
    ws.column_dimensions[letter].width = column.width or min(max(widest, len(column.en)) + 2, 60)


def _format_cell(cell: Any, kind: Kind) -> None:
    if cell.value is None:
        return
    if kind == "text":
        cell.data_type = "s"  # never a formula, whatever it starts with
    else:
        cell.number_format = {
            "int": INTEGER_FORMAT,
            "nok": NOK_FORMAT,
            "score": SCORE_FORMAT,
            "time": TIME_FORMAT,
        }[kind]
