"""A ranking as rows for a spreadsheet: a header, then one row per entry in ranking order.

Rows are plain strings so any writer can take them (CSV here, XLSX in the adapter). Totals
are rounded half-up to two decimals for reading; the exact value stays in the event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from uuid import UUID

from nic_scoring.domain.marks import display
from nic_shared.events.scoring import RankingEntry
from nic_shared.export import safe_cell

HEADER = (
    "rank",
    "application_id",
    "title",
    "weighted_total",
    "requested_amount_nok",
    "outcome",
    "publication",
)
CURRENT = "current"
STALE = "stale: facts changed after publication; publish again"


def ranking_rows(
    entries: Iterable[RankingEntry],
    titles: Mapping[UUID, str] | None = None,
    stale: Mapping[UUID, str] | None = None,
) -> list[list[str]]:
    """The header and one row per entry, in the order given (the ranking's order).

    The title is the entry's own, unless `titles` names another for the application.
    `stale` is None while the version matches the facts; otherwise every row says so in
    `publication`, with the application's own reason where it has one.
    """
    titles = titles or {}
    rows = [list(HEADER)]
    for entry in entries:
        rows.append(
            [
                "" if entry.rank is None else str(entry.rank),
                str(entry.application_id),
                safe_cell(titles.get(entry.application_id, entry.title)),
                str(display(entry.weighted_total)),
                str(entry.requested_amount_nok),
                entry.outcome.value,
                CURRENT if stale is None else stale.get(entry.application_id, STALE),
            ]
        )
    return rows


def to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """CSV bytes in UTF-8 with a byte-order mark, so spreadsheet programs read æ, ø and å."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
