"""A ranking exports as a header and one row per entry, ready for CSV or a spreadsheet."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from uuid import UUID

from nic_scoring.domain.export import HEADER, ranking_rows, to_csv
from nic_shared.events.scoring import FundingOutcome, RankingEntry
from nic_shared.export import safe_cell

FIRST, SECOND = UUID(int=1), UUID(int=2)
ENTRIES = [
    RankingEntry(
        application_id=FIRST,
        title="",
        rank=1,
        weighted_total=Decimal("5.683333333333333333333333333333333"),
        requested_amount_nok=300_000,
        outcome=FundingOutcome.RECOMMENDED,
    ),
    RankingEntry(
        application_id=SECOND,
        title="Grønn ferje",
        rank=None,
        weighted_total=Decimal("2.5"),
        requested_amount_nok=250_000,
        outcome=FundingOutcome.NOT_RECOMMENDED,
    ),
]


def test_rows_start_with_the_header_and_follow_the_ranking():
    rows = ranking_rows(ENTRIES, {FIRST: "Sirkulær betong"})
    assert rows == [
        list(HEADER),
        ["1", str(FIRST), "Sirkulær betong", "5.68", "300000", "recommended", "current"],
        ["", str(SECOND), "Grønn ferje", "2.50", "250000", "not_recommended", "current"],
    ]


def test_a_stale_version_says_so_on_every_row_with_each_reason():
    rows = ranking_rows(ENTRIES, stale={FIRST: "stale: withdrawn after publication"})
    assert [r[-1] for r in rows[1:]] == [
        "stale: withdrawn after publication",
        "stale: facts changed after publication; publish again",
    ]


def test_a_missing_title_is_an_empty_cell():
    assert ranking_rows(ENTRIES[:1])[1][2] == ""


def test_a_title_that_looks_like_a_formula_is_defused():
    assert safe_cell('=HYPERLINK("http://x")').startswith("'=")
    assert safe_cell("Grønn ferje") == "Grønn ferje"


def test_csv_is_utf8_with_a_byte_order_mark_and_reads_back():
    rows = ranking_rows(ENTRIES, {FIRST: "Sirkulær betong, fase 2"})
    data = to_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == rows


def test_the_entry_carries_its_own_title():
    assert ranking_rows(ENTRIES[1:])[1][2] == "Grønn ferje"
