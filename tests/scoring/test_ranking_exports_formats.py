"""The ranking and the panel's reviews as XLSX for people, read back with openpyxl: bold
frozen header in Norwegian (English with Accept-Language: en), NOK and score formats, the
call code, budget frame and publication time; the CSV keeps its keys and its BOM."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from nic_shared.export import NOK_FORMAT, SCORE_FORMAT
from tests.scoring.conftest import OFFICER, Scoring
from tests.scoring.test_review_export import reviewed_panel

NB_HEADER = [
    "Plass",
    "Søknads-ID",
    "Tittel",
    "Vektet poengsum",
    "Søkt beløp",
    "Utfall",
    "Publisering",
]
EN_HEADER = [
    "Rank",
    "Application ID",
    "Title",
    "Weighted total",
    "Requested amount",
    "Outcome",
    "Publication",
]


async def _ranked(scoring: Scoring) -> tuple[str, str]:
    call = await scoring.call(budget=900_000)
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    await scoring.scored(call, (6, 5, 4, 7), panel, member, title="Grønn ferje på Ålesund")
    published = await scoring.client.post(f"/v1/calls/{call}/rankings", json={}, headers=OFFICER)
    assert published.status_code == 201, published.text
    return call, published.json()["published_at"]


async def _book(scoring: Scoring, url: str, **headers: str):
    got = await scoring.client.get(url, params={"format": "xlsx"}, headers=OFFICER | headers)
    assert got.status_code == 200, got.text
    return load_workbook(io.BytesIO(got.content))


async def test_the_ranking_xlsx_is_formatted_for_people(scoring: Scoring):
    call, published_at = await _ranked(scoring)
    book = await _book(scoring, f"/v1/calls/{call}/rankings/1/export")
    sheet = book.worksheets[0]
    code = f"C-{call.replace('-', '')[:6]}"
    assert sheet.title == f"{code} v1"
    assert [c.value for c in sheet[1]] == NB_HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    rank, _id, title, total, amount, outcome, publication = sheet[2]
    assert (rank.value, rank.number_format) == (1, "0")
    assert title.value == "Grønn ferje på Ålesund"
    assert title.data_type == "s"
    assert float(total.value) == 5.45
    assert total.number_format == SCORE_FORMAT
    assert amount.value == 300_000
    assert amount.number_format == NOK_FORMAT
    assert (outcome.value, publication.value) == ("recommended", "current")
    assert sheet.column_dimensions["B"].width >= 36
    assert book.properties.title == f"Rangering {code} v1"

    about = {row[0].value: row[1] for row in book["Om eksporten"].iter_rows()}
    assert about["Utlysning"].value == code
    assert about["Budsjettramme"].value == 900_000
    assert about["Budsjettramme"].number_format == NOK_FORMAT
    assert about["Anbefalt til sammen"].value == 300_000
    published = datetime.fromisoformat(published_at).astimezone(ZoneInfo("Europe/Oslo"))
    assert about["Publisert (Oslo-tid)"].value == published.replace(tzinfo=None, microsecond=0)
    assert about["Status"].value == "gjeldende"


async def test_the_ranking_xlsx_in_english_on_request(scoring: Scoring):
    call, _ = await _ranked(scoring)
    book = await _book(scoring, f"/v1/calls/{call}/rankings/1/export", **{"Accept-Language": "en"})
    assert [c.value for c in book.worksheets[0][1]] == EN_HEADER
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Budget frame"] == 900_000
    assert about["State"] == "current"
    nb = await _book(scoring, f"/v1/calls/{call}/rankings/1/export", **{"Accept-Language": "nb"})
    assert [c.value for c in nb.worksheets[0][1]] == NB_HEADER


async def test_the_ranking_csv_keeps_its_keys_and_reads_back_norwegian_letters(scoring: Scoring):
    call, _ = await _ranked(scoring)
    got = await scoring.client.get(f"/v1/calls/{call}/rankings/1/export", headers=OFFICER)
    assert got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "publication"
    assert rows[1][2] == "Grønn ferje på Ålesund"


async def test_the_review_xlsx_has_scores_with_two_decimals_and_localised_headers(
    scoring: Scoring,
):
    panel, _, _ = await reviewed_panel(scoring)
    url = f"/v1/panels/{panel}/reviews/export"
    sheet = (await _book(scoring, url)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Bedømmer-ID", "Bedømmer", "Søknads-ID"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    mark = sheet.cell(row=2, column=header.index("Karakter") + 1)
    assert mark.number_format == SCORE_FORMAT
    comments = [
        sheet.cell(row=r, column=header.index("Kommentar til kriteriet") + 1) for r in (2, 3)
    ]
    assert all(c.data_type == "s" for c in comments)
    english = (await _book(scoring, url, **{"Accept-Language": "en"})).worksheets[0]
    assert [c.value for c in english[1]][6] == "Mark"
