"""The programme report across clusters, on generated data with known answers: JSON, CSV,
XLSX (NOK format, Norwegian bold frozen header) and a PNG chart; bad ranges are problems."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

from openpyxl import load_workbook

from nic_registry.admissions.consumer import on_funding_decided
from tests.registry.builders import add_level, add_member, new_cluster, officer, org_numbers
from tests.registry.test_admissions_broker import decided
from tests.support.services import auth

CALL = uuid.UUID(int=7)


async def _generated(registry) -> None:
    """3 clusters: Arena and Arena Pro in Innlandet, one former Arena in Vestland (ended 2023)."""
    client = registry.client
    registry.clock.now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    a = await new_cluster(client, "A", region="Innlandet")
    b = await new_cluster(client, "B", region="Innlandet")
    c = await new_cluster(client, "C", region="=Vestland")
    assert (await add_level(client, a["id"], "arena", "2023-01-01", "2025-12-31")).is_success
    assert (await add_level(client, b["id"], "arena_pro", "2022-01-01")).is_success
    assert (await add_level(client, c["id"], "arena", "2020-01-01", "2022-12-31")).is_success
    orgs = org_numbers(6)
    # Running at year end: 2 established (one new in 2024), 1 startup (new); one that left.
    for org, cluster, kind, start, end in [
        (orgs[0], a, "established_company", "2020-05-01", None),
        (orgs[1], b, "established_company", "2024-02-01", None),
        (orgs[2], a, "startup", "2024-06-01", None),
        (orgs[3], b, "research", "2021-01-01", "2024-06-30"),
    ]:
        got = await add_member(client, cluster["id"], org, kind, start, end)
        assert got.is_success, got.text
    for cluster, day, area, people in [
        (a, "2024-03-01", "competence", 10),
        (a, "2024-09-01", "competence", 5),
        (b, "2024-04-01", "mobilisation", 7),
        (b, "2023-12-31", "mobilisation", 99),  # the year before: not counted
    ]:
        body = {
            "activity_date": day,
            "title": "x",
            "activity_type": area,
            "participant_count": people,
        }
        got = await client.post(
            f"/v1/clusters/{cluster['id']}/activities", json=body, headers=officer()
        )
        assert got.status_code == 201, got.text
    db = registry.app.state.db
    for amount, when in [(1_000_000, "2024-05-01"), (2_500_000, "2024-12-31"), (9, "2023-12-31")]:
        payload = decided(None, None, amount=amount)
        payload = payload.model_copy(
            update={"decided_at": datetime.fromisoformat(f"{when}T12:00:00+00:00")}
        )
        async with db.transaction() as session:
            await on_funding_decided(session, payload, None, None)  # type: ignore[arg-type]


async def test_programme_report_counts_every_cluster_for_the_year(registry):
    await _generated(registry)
    got = await registry.client.get("/v1/programme-reports/2024", headers=officer())
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["clusters_by_level"] == {"arena": 1, "arena_pro": 1}
    assert body["clusters_by_region"] == {"Innlandet": 2}  # C left the programme in 2022
    assert body["members_by_actor_type"] == {"established_company": 2, "startup": 1}
    assert body["new_members_by_actor_type"] == {"established_company": 1, "startup": 1}
    assert body["activities_by_area"] == {"competence": 2, "mobilisation": 1}
    assert body["participants_by_area"] == {"competence": 15, "mobilisation": 7}
    assert body["grants_by_call"] == [
        {
            "call_id": str(CALL),
            "scheme": body["grants_by_call"][0]["scheme"],
            "projects": 2,
            "amount_nok": 3_500_000,
        }
    ]


async def test_a_date_range_inside_the_year_narrows_the_flows(registry):
    await _generated(registry)
    got = await registry.client.get(
        "/v1/programme-reports/2024",
        params={"from_date": "2024-01-01", "to_date": "2024-05-31"},
        headers=officer(),
    )
    body = got.json()
    assert body["new_members_by_actor_type"] == {"established_company": 1}
    assert body["members_by_actor_type"] == {"established_company": 2, "research": 1}
    assert body["grants_by_call"][0]["amount_nok"] == 1_000_000


async def test_programme_report_as_csv_and_xlsx_has_norwegian_headers_and_nok(registry):
    await _generated(registry)
    got = await registry.client.get(
        "/v1/programme-reports/2024", params={"format": "csv"}, headers=officer()
    )
    assert got.headers["content-type"].startswith("text/csv")
    assert got.content.startswith(b"\xef\xbb\xbf")  # a byte-order mark for Excel
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert table[0] == ["Indikator", "Kategori", "Antall", "Beløp (NOK)"]
    assert ["Klynger etter nivå", "arena", "1", ""] in table
    assert table[-1][2:] == ["2", "3500000"]

    got = await registry.client.get(
        "/v1/programme-reports/2024", params={"format": "xlsx"}, headers=officer()
    )
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert [c.value for c in sheet[1]] == ["Indikator", "Kategori", "Antall", "Beløp (NOK)"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    last = sheet[sheet.max_row]
    assert last[3].value == 3_500_000
    assert "kr" in last[3].number_format
    assert last[2].value == 2


async def test_a_region_starting_with_equals_is_text_in_the_workbook(registry):
    await _generated(registry)
    registry.clock.now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    got = await registry.client.get(
        "/v1/programme-reports/2022", params={"format": "xlsx"}, headers=officer()
    )
    sheet = load_workbook(io.BytesIO(got.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "=Vestland"]
    assert cells
    assert all(c.data_type == "s" for c in cells)


async def test_each_indicator_has_a_png_chart(registry):
    await _generated(registry)
    for indicator in ("clusters_by_level", "members_by_actor_type", "grants_by_call"):
        got = await registry.client.get(
            f"/v1/programme-reports/2024/charts/{indicator}", headers=officer()
        )
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == "image/png"
        assert got.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(got.content) > 5_000  # drawn, not an empty canvas


async def test_bad_years_and_ranges_are_problems_naming_the_field(registry):
    registry.clock.now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    client = registry.client
    for params, year, parameter in [
        ({}, 2026, ("year", "path", "not_in_future")),
        ({"from_date": "2023-12-31"}, 2024, ("from_date", "query", "within_year")),
        ({"to_date": "2025-01-01"}, 2024, ("to_date", "query", "within_year")),
        (
            {"from_date": "2024-06-01", "to_date": "2024-05-01"},
            2024,
            ("to_date", "query", "end-before-start"),
        ),
    ]:
        got = await client.get(f"/v1/programme-reports/{year}", params=params, headers=officer())
        assert got.status_code == 422, (params, got.text)
        assert got.headers["content-type"].startswith("application/problem+json")
        error = got.json()["errors"][0]
        assert (error["parameter"], error["in"], error["rule"]) == parameter


async def test_only_programme_officers_read_the_programme_report(registry):
    manager = auth("cluster_manager", cluster=str(uuid.uuid4()))
    got = await registry.client.get("/v1/programme-reports/2024", headers=manager)
    assert got.status_code == 403
