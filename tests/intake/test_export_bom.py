"""Intake's CSV exports start with a UTF-8 byte-order mark, so Excel reads æ, ø and å;
the rows read back as written."""

from __future__ import annotations

import csv
import io

import httpx

from tests.intake.builders import OFFICER, circular_content, draft, open_call
from tests.intake.ranked import decide_and_approve, ranked_call

BOM = b"\xef\xbb\xbf"


async def test_the_applications_csv_has_a_bom_and_reads_back_norwegian_letters(intake):
    call = await open_call(intake.client)
    title = "Grønn ærfugl på Øya: =1+1"
    app = await draft(intake.client, call["id"], circular_content() | {"title": title})
    got = await intake.client.get(f"/v1/calls/{call['id']}/applications.csv", headers=OFFICER)
    assert got.status_code == 200, got.text
    assert got.content.startswith(BOM)
    assert not got.content[len(BOM) :].startswith(BOM)  # one mark, not one per chunk
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [(r["id"], r["title"]) for r in rows] == [(app["id"], title)]


async def test_the_public_results_csv_has_a_bom(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    call_id = ranked.call["id"]
    published = await intake.client.post(f"/v1/calls/{call_id}/results/publish", headers=OFFICER)
    assert published.status_code == 200, published.text
    async with httpx.AsyncClient(base_url=str(intake.client.base_url)) as public:
        got = await public.get(f"/v1/public/calls/{call_id}/results.csv")
    assert got.status_code == 200, got.text
    assert got.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ["project_title", "owner", "amount_nok"]
    assert [rows[1][0], rows[1][2]] == ["Symbiose i Grenland", "1200000"]
