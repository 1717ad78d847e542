"""A ranking as rows for a spreadsheet: a header, then one row per entry in ranking order.

Rows are plain strings so any writer can take them (`nic_shared.export`: CSV with the keys
as header, XLSX with Norwegian or English labels and number formats by column kind). Totals
are rounded half-up to two decimals for reading; the exact value stays in the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from nic_scoring.domain.marks import display
from nic_shared.events.scoring import RankingEntry
from nic_shared.export import Column, safe_cell, to_csv

COLUMNS = (
    Column("rank", "Plass", "Rank", "int", width=8),
    Column("application_id", "Søknads-ID", "Application ID", width=38),
    Column("title", "Tittel", "Title"),
    Column("weighted_total", "Vektet poengsum", "Weighted total", "score"),
    Column("requested_amount_nok", "Søkt beløp", "Requested amount", "nok", width=16),
    Column("outcome", "Utfall", "Outcome"),
    Column("publication", "Publisering", "Publication"),
)
"""The columns; CSV headers are the keys (stable for scripts), XLSX shows nb/en labels."""
HEADER = tuple(c.key for c in COLUMNS)
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


__all__ = ["COLUMNS", "CURRENT", "HEADER", "STALE", "ranking_rows", "to_csv"]
