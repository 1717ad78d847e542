"""A published ranking that later facts contradict is marked stale, with the reasons, in the
API, the exports and by one RankingStale event; publishing again clears it."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.scoring.conftest import OFFICER, Scoring, member_auth


async def _published(scoring: Scoring, n_apps: int = 2) -> tuple[str, str, str, list[str]]:
    call = await scoring.call(budget=600_000)
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    apps = [
        await scoring.scored(call, (6 - i, 6 - i, 6 - i, 6 - i), panel, member, title=f"S{i}")
        for i in range(n_apps)
    ]
    published = await scoring.client.post(f"/v1/calls/{call}/rankings", json={}, headers=OFFICER)
    assert published.status_code == 201, published.text
    assert published.json()["stale"] is False
    assert published.json()["stale_reasons"] == []
    return call, panel, member, apps


async def _latest(scoring: Scoring, call: str) -> dict:
    response = await scoring.client.get(f"/v1/calls/{call}/rankings/latest", headers=OFFICER)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_late_conflict_voiding_a_result_marks_the_ranking_stale(scoring: Scoring):
    call, panel, member, (first, _second) = await _published(scoring)
    declared = await scoring.client.post(
        f"/v1/panels/{panel}/conflicts",
        json={"application_id": first, "reason": "found out late"},
        headers=member_auth(member),
    )
    assert declared.status_code == 201, declared.text

    latest = await _latest(scoring, call)
    assert latest["stale"] is True
    assert [(r["application_id"], r["reason"]) for r in latest["stale_reasons"]] == [
        (first, "result_voided")
    ]
    assert latest["stale_reasons"][0]["text_nb"]
    # still what was published: rank 1 recommended, now flagged
    assert latest["entries"][0]["application_id"] == first
    [event] = await scoring.events("no.nic.ranking.stale.v1")
    assert event["ranking_version"] == 1
    assert event["reasons"] == [{"application_id": first, "reason": "result_voided"}]
    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    assert preview.json()["latest_stale_reasons"][0]["reason"] == "result_voided"


async def test_withdrawal_after_publication_marks_it_stale_once(scoring: Scoring):
    call, _panel, _member, (first, _second) = await _published(scoring)
    await scoring.withdraw(call, first)
    await scoring.withdraw(call, first)  # a redelivered withdrawal announces nothing new

    latest = await _latest(scoring, call)
    assert [(r["application_id"], r["reason"]) for r in latest["stale_reasons"]] == [
        (first, "withdrawn")
    ]
    assert len(await scoring.events("no.nic.ranking.stale.v1")) == 1


async def test_a_result_after_publication_is_a_reason(scoring: Scoring):
    call, panel, member, _apps = await _published(scoring)
    late = await scoring.scored(call, (4, 4, 4, 4), panel, member, title="Sent")

    latest = await _latest(scoring, call)
    assert [(r["application_id"], r["reason"]) for r in latest["stale_reasons"]] == [
        (late, "newly_scored")
    ]


async def test_publishing_again_clears_the_stale_mark(scoring: Scoring):
    call, _panel, _member, (first, second) = await _published(scoring)
    await scoring.withdraw(call, first)
    again = await scoring.client.post(f"/v1/calls/{call}/rankings", json={}, headers=OFFICER)
    assert again.status_code == 201, again.text
    assert again.json()["version"] == 2
    assert again.json()["stale"] is False
    assert [e["application_id"] for e in again.json()["entries"]] == [second]
    old = await scoring.client.get(f"/v1/calls/{call}/rankings/1", headers=OFFICER)
    assert old.json()["stale"] is True  # version 1 still contradicts the facts


async def test_unchanged_facts_announce_nothing(scoring: Scoring):
    call, _panel, _member, _apps = await _published(scoring)
    assert (await _latest(scoring, call))["stale"] is False
    assert await scoring.events("no.nic.ranking.stale.v1") == []


async def test_the_exports_say_the_version_is_stale_and_why(scoring: Scoring):
    call, _panel, _member, (first, second) = await _published(scoring)
    url = f"/v1/calls/{call}/rankings/1/export"
    current = await scoring.client.get(url, headers=OFFICER)
    rows = list(csv.reader(io.StringIO(current.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "publication"
    assert {r[-1] for r in rows[1:]} == {"current"}

    await scoring.withdraw(call, first)
    stale = await scoring.client.get(url, headers=OFFICER)
    rows = list(csv.reader(io.StringIO(stale.content.decode("utf-8-sig"))))
    by_app = {r[1]: r[-1] for r in rows[1:]}
    assert by_app[first] == "stale: withdrawn after publication"
    assert by_app[second].startswith("stale: facts changed after publication")

    as_xlsx = await scoring.client.get(url, params={"format": "xlsx"}, headers=OFFICER)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][-1] == "Publisering"  # the column's Norwegian header
    assert {v[-1] for v in values[1:]} == {
        "stale: withdrawn after publication",
        "stale: facts changed after publication; publish again",
    }


async def test_a_changed_budget_frame_is_a_call_wide_reason(scoring: Scoring):
    call, _panel, _member, _apps = await _published(scoring)
    await scoring.call(budget=400_000, call_id=call)  # the call published again, less money
    latest = await _latest(scoring, call)
    assert [(r["application_id"], r["reason"]) for r in latest["stale_reasons"]] == [
        (None, "budget_changed")
    ]
