"""Registry exports for people: the member list as CSV with a byte-order mark (æ, ø and å
read back, and the file imports again as it is), and the programme report as XLSX with a
bold frozen header in Norwegian or English, NOK amounts formatted, and its period."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from nic_shared.export import NOK_FORMAT
from tests.registry.builders import new_cluster, officer
from tests.registry.test_member_csv import HEADER, upload
from tests.registry.test_programme_report import _generated

BOM = b"\xef\xbb\xbf"


async def test_the_member_csv_has_a_bom_and_reads_back_norwegian_letters(registry):
    cluster = await new_cluster(registry.client)
    name = "Ærlige Øl og Å-bryggeriet AS"
    imported = await upload(
        registry,
        cluster["id"],
        f"{HEADER}\r\n988077917,,,{name},established_company,2023-01-01,\r\n",
    )
    assert imported.status_code == 200, imported.text
    got = await registry.client.get(
        f"/v1/clusters/{cluster['id']}/members/export", headers=officer()
    )
    assert got.content.startswith(BOM)
    assert not got.content[len(BOM) :].startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == [name]
    again = await registry.client.post(
        f"/v1/clusters/{cluster['id']}/members/import",
        content=got.content,  # the bytes as downloaded, mark and all
        headers={**officer(), "Content-Type": "text/csv"},
    )
    assert again.json()["unchanged"] == 1, again.text


async def test_the_programme_report_xlsx_in_norwegian_and_english(registry):
    await _generated(registry)
    url = "/v1/programme-reports/2024"
    for lang, expected, about_sheet, period in (
        ("nb", ["Indikator", "Kategori", "Antall", "Beløp (NOK)"], "Om eksporten", "Periode"),
        ("en", ["Indicator", "Category", "Count", "Amount (NOK)"], "About", "Period"),
    ):
        got = await registry.client.get(
            url, params={"format": "xlsx"}, headers=officer() | {"Accept-Language": lang}
        )
        assert got.status_code == 200, got.text
        book = load_workbook(io.BytesIO(got.content))
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == expected
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        last = sheet[sheet.max_row]
        assert last[3].value == 3_500_000
        assert last[3].number_format == NOK_FORMAT
        assert last[2].number_format == "0"
        about = {row[0].value: row[1].value for row in book[about_sheet].iter_rows()}
        assert about[period].startswith("2024-01-01")
    english = await registry.client.get(
        url, params={"format": "csv"}, headers=officer() | {"Accept-Language": "en"}
    )
    assert english.content.startswith(BOM)
    table = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert table[0] == ["Indicator", "Category", "Count", "Amount (NOK)"]
    assert ["Clusters by level", "arena", "1", ""] in table
