"""Export rows (a ranking, a panel's reviews) as an XLSX workbook (openpyxl), numbers as numbers, text defused."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook

NUMERIC = {"rank": int, "weighted_total": Decimal, "requested_amount_nok": int, "mark": Decimal}


def to_xlsx(rows: Sequence[Sequence[str]], sheet: str = "Ranking") -> bytes:
    """The first row is the header; its names say which columns hold numbers."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    header = list(rows[0])
    ws.append(header)
    kinds = [NUMERIC.get(name) for name in header]
    for row in rows[1:]:
        ws.append(
            [
                kind(cell) if kind and cell != "" else cell
                for kind, cell in zip(kinds, row, strict=True)
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
