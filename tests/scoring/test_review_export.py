"""The panel's reviews exported for the meeting: per reviewer, per criterion, with comments,
as CSV and XLSX read back; for the chair and officers; no applicant identities."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.scoring.conftest import OFFICER, ORGS, WEIGHTS, Scoring, marks, member_auth


async def reviewed_panel(scoring: Scoring) -> tuple[str, str, str]:
    call = await scoring.call()
    panel = await scoring.panel(call, n=2)
    chair = await scoring.member(panel, "Åse Leder", chair=True)
    other = await scoring.member(panel, "Bjørn Fagfelle")
    app = await scoring.eligible(call, "Sporbar laks", owner=ORGS[0], partners=(ORGS[1],))
    for member, four, comment in (
        (chair, (5, 6, 4, 7), "=HYPERLINK(1)"),
        (other, (3, 3, 3, 3), "ok"),
    ):
        assert (await scoring.assign(panel, app, member)).status_code == 201
        sent = await scoring.client.post(
            f"/v1/applications/{app}/reviews/mine/submit",
            json={"marks": marks(*four, comment=comment), "comment": "samlet vurdering"},
            headers=member_auth(member),
        )
        assert sent.status_code == 200, sent.text
    return panel, chair, other


async def test_chair_exports_every_review_per_criterion_as_csv(scoring: Scoring):
    panel, chair, _ = await reviewed_panel(scoring)
    got = await scoring.client.get(f"/v1/panels/{panel}/reviews/export", headers=member_auth(chair))
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) == 2 * len(WEIGHTS)
    mine = [r for r in rows if r["reviewer"] == "Åse Leder"]
    assert [r["criterion_id"] for r in mine] == list(WEIGHTS)
    assert [r["mark"] for r in mine] == ["5.00", "6.00", "4.00", "7.00"]
    assert mine[0]["criterion_comment"] == "'=HYPERLINK(1)"
    assert {r["review_comment"] for r in rows} == {"samlet vurdering"}
    for org in ORGS[:2]:
        assert org not in got.text


async def test_officer_exports_xlsx_with_marks_as_numbers(scoring: Scoring):
    panel, _, _ = await reviewed_panel(scoring)
    got = await scoring.client.get(
        f"/v1/panels/{panel}/reviews/export", params={"format": "xlsx"}, headers=OFFICER
    )
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content)).active
    values = list(sheet.values)
    header = list(values[0])
    marks_column = header.index("Karakter")  # Norwegian headers in XLSX
    assert len(values) == 1 + 2 * len(WEIGHTS)
    assert {Decimal(str(v[marks_column])) for v in values[1:]} == {3, 4, 5, 6, 7}


async def test_ordinary_member_cannot_export_reviews(scoring: Scoring):
    panel, _, other = await reviewed_panel(scoring)
    refused = await scoring.client.get(
        f"/v1/panels/{panel}/reviews/export", headers=member_auth(other)
    )
    assert refused.status_code == 404
    bad = await scoring.client.get(
        f"/v1/panels/{panel}/reviews/export", params={"format": "pdf"}, headers=OFFICER
    )
    assert bad.status_code == 422
