"""The issue's worked example through the API: 5.45, the budget line and the tie-break."""

from __future__ import annotations

from decimal import Decimal

from tests.scoring.conftest import OFFICER, Scoring


async def test_marks_6_5_4_7_give_5_45_and_panel_scored(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    app = await scoring.scored(call, (6, 5, 4, 7), panel, member)

    result = await scoring.client.get(f"/v1/applications/{app}/result", headers=OFFICER)
    assert result.status_code == 200, result.text
    assert Decimal(result.json()["weighted_total"]) == Decimal("5.45")
    assert result.json()["passed_thresholds"] is True

    [reviewed] = await scoring.events("no.nic.review.submitted.v1")
    assert reviewed["application_id"] == app
    assert reviewed["panel_member_id"] == member
    [scored] = await scoring.events("no.nic.panel.scored.v1")
    assert Decimal(scored["weighted_total"]) == Decimal("5.45")
    assert [m["criterion_id"] for m in scored["marks"]] == [
        "strategy_anchoring",
        "novelty",
        "sustainability",
        "ability_to_deliver",
    ]
    assert scored["by_consensus"] is False
    assert scored["threshold_misses"] == []


async def test_three_300k_fit_a_1m_frame_and_the_fourth_is_reserve(scoring: Scoring):
    call = await scoring.call(budget=1_000_000)
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    apps = [
        await scoring.scored(call, (7 - n,) * 4, panel, member, title=f"Prosjekt {n}")
        for n in range(4)
    ]

    published = await scoring.client.post(f"/v1/calls/{call}/rankings", json={}, headers=OFFICER)
    assert published.status_code == 201, published.text
    body = published.json()
    assert [(e["application_id"], e["rank"], e["outcome"]) for e in body["entries"]] == [
        (apps[0], 1, "recommended"),
        (apps[1], 2, "recommended"),
        (apps[2], 3, "recommended"),
        (apps[3], 4, "reserve"),
    ]
    assert body["recommended_total_nok"] == 900_000
    assert body["version"] == 1

    [ranking] = await scoring.events("no.nic.ranking.published.v1")
    assert [e["title"] for e in ranking["entries"]] == [f"Prosjekt {n}" for n in range(4)]
    funding = await scoring.events("no.nic.funding.recommended.v1")
    assert {(f["application_id"], f["outcome"], f["recommended_amount_nok"]) for f in funding} == {
        (apps[0], "recommended", 300_000),
        (apps[1], "recommended", 300_000),
        (apps[2], "recommended", 300_000),
        (apps[3], "reserve", 0),
    }


async def test_equal_totals_are_ordered_by_the_tie_break(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    # both total 5.00; the later submission has the higher novelty mark (first tie-break)
    early = await scoring.scored(call, (5, 5, 5, 5), panel, member, minutes_before=120)
    late = await scoring.scored(call, (2, 6, 6, 6), panel, member, minutes_before=10)

    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    entries = preview.json()["entries"]
    assert [Decimal(e["weighted_total"]) for e in entries] == [Decimal(5), Decimal(5)]
    assert [e["application_id"] for e in entries] == [late, early]


async def test_equal_on_every_criterion_the_earliest_submission_wins(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    late = await scoring.scored(call, (5, 5, 5, 5), panel, member, minutes_before=5)
    early = await scoring.scored(call, (5, 5, 5, 5), panel, member, minutes_before=500)

    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    assert [e["application_id"] for e in preview.json()["entries"]] == [early, late]
