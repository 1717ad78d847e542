"""Ranking versions (recomputed when inputs change), exports, cluster prioritisation, and the
hand-written migration matching the models."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import create_async_engine

from nic_scoring.models import Base
from nic_shared.events.specs import Scheme
from tests.scoring.conftest import OFFICER, Scoring, marks
from tests.support.services import auth


async def test_publishing_again_makes_a_new_version_only_when_inputs_changed(scoring: Scoring):
    call = await scoring.call(budget=600_000)
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    first = await scoring.scored(call, (6, 6, 6, 6), panel, member)
    pending = await scoring.eligible(call, "Uten resultat")

    url = f"/v1/calls/{call}/rankings"
    incomplete = await scoring.client.post(url, json={}, headers=OFFICER)
    assert incomplete.status_code == 409
    assert incomplete.json()["unscored"] == [pending]
    await scoring.assign(panel, pending, member)
    await scoring.submit(pending, member, (5, 5, 5, 5))

    v1 = await scoring.client.post(url, json={}, headers=OFFICER)
    assert v1.status_code == 201
    assert v1.json()["version"] == 1
    same = await scoring.client.post(url, json={}, headers=OFFICER)
    assert same.status_code == 200
    assert same.json()["version"] == 1
    assert len(await scoring.events("no.nic.ranking.published.v1")) == 1

    await scoring.withdraw(call, first)
    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    assert preview.json()["latest_is_current"] is False
    v2 = await scoring.client.post(url, json={}, headers=OFFICER)
    assert v2.status_code == 201
    assert v2.json()["version"] == 2
    assert [e["application_id"] for e in v2.json()["entries"]] == [pending]
    assert v2.json()["entries"][0]["rank"] == 1
    old = await scoring.client.get(f"{url}/1", headers=OFFICER)
    assert old.json()["latest"] is False
    assert len(old.json()["entries"]) == 2
    latest = await scoring.client.get(f"{url}/latest", headers=OFFICER)
    assert latest.json()["version"] == 2
    versions = [e["ranking_version"] for e in await scoring.events("no.nic.funding.recommended.v1")]
    assert versions == [1, 1, 2]


async def test_the_ranking_exports_as_csv_and_xlsx(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    app = await scoring.scored(call, (6, 5, 4, 7), panel, member, title="=Grønn ferje")
    await scoring.client.post(f"/v1/calls/{call}/rankings", json={}, headers=OFFICER)
    url = f"/v1/calls/{call}/rankings/1/export"

    as_csv = await scoring.client.get(url, headers=OFFICER)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1] == ["1", app, "'=Grønn ferje", "5.45", "300000", "recommended", "current"]

    as_xlsx = await scoring.client.get(url, params={"format": "xlsx"}, headers=OFFICER)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert (
        values[0][0] == "Plass"
    )  # Norwegian headers; tests/scoring/test_ranking_exports_formats.py
    assert values[1][0] == 1
    assert values[1][2] == "'=Grønn ferje"
    assert Decimal(str(values[1][3])) == Decimal("5.45")
    assert values[1][4] == 300_000


async def test_a_cluster_manager_orders_their_own_proposals(scoring: Scoring):
    call = await scoring.call()
    cluster, other = str(uuid.uuid4()), str(uuid.uuid4())
    manager = auth("cluster_manager", cluster=cluster)
    base = f"/v1/calls/{call}/cluster-proposals"
    proposals = {
        str(uuid.uuid4()): (t, m)
        for t, m in [
            ("Sensorer", (6, 5, 4, 7)),  # 5.45
            ("Batterier", (7, 7, 7, 7)),  # 7.00
            ("Fiskefôr", (4, 4, 4, 4)),  # 4.00
        ]
    }
    for n, (app_id, (title, four)) in enumerate(proposals.items()):
        body = {"title": title, "received_at": f"2026-03-0{n + 1}T10:00:00Z", "marks": marks(*four)}
        put = await scoring.client.put(f"{base}/{app_id}", json=body, headers=manager)
        assert put.status_code == 204, put.text

    ordered = await scoring.client.get(base, headers=manager)
    assert [p["title"] for p in ordered.json()["proposals"]] == [
        "Batterier",
        "Sensorer",
        "Fiskefôr",
    ]
    assert Decimal(ordered.json()["proposals"][1]["weighted_total"]) == Decimal("5.45")
    assert ordered.json()["enough_to_forward"] is True

    foreign = auth("cluster_manager", cluster=other)
    assert (await scoring.client.get(base, headers=foreign)).json()["proposals"] == []
    peek = await scoring.client.get(base, params={"cluster_id": cluster}, headers=foreign)
    assert peek.status_code == 403
    officer = await scoring.client.get(base, params={"cluster_id": cluster}, headers=OFFICER)
    assert len(officer.json()["proposals"]) == 3
    bad = {"title": "X", "received_at": "2026-03-01T10:00:00Z", "marks": marks(0, 5, 5, 5)}
    refused = await scoring.client.put(f"{base}/{uuid.uuid4()}", json=bad, headers=manager)
    assert refused.json()["type"] == "urn:nic:problem:invalid-marks"

    circular = await scoring.call(kind=Scheme.CIRCULAR_VALUE_CHAINS)
    other_call = await scoring.client.get(
        f"/v1/calls/{circular}/cluster-proposals", headers=manager
    )
    assert other_call.json()["type"] == "urn:nic:problem:not-innovasjonsrammen"


async def test_the_migration_matches_the_models(scoring: Scoring):
    engine = create_async_engine(scoring.database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []
