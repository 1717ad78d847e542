"""The review window: reviews are accepted from opens_at until (not at) closes_at; progress
per member for the chair and officers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.scoring.conftest import OFFICER, Scoring, marks, member_auth

OPENS = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)  # 09:00 Europe/Oslo (CEST)
CLOSES = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)  # 12:00 Europe/Oslo (CET)


async def windowed(scoring: Scoring) -> tuple[str, str, str]:
    call = await scoring.call()
    panel = await scoring.panel(call)
    changed = await scoring.client.patch(
        f"/v1/panels/{panel}",
        json={"opens_at": "2026-10-01T09:00:00+02:00", "closes_at": "2026-11-02T12:00:00+01:00"},
        headers=OFFICER,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["closes_at"].startswith("2026-11-02T11:00:00")
    member = await scoring.member(panel)
    app = await scoring.eligible(call)
    assert (await scoring.assign(panel, app, member)).status_code == 201
    return panel, member, app


def at(scoring: Scoring, instant: datetime) -> None:
    scoring.app.state.clock = lambda: instant


async def test_review_is_accepted_until_the_instant_before_close(scoring: Scoring):
    _, member, app = await windowed(scoring)
    at(scoring, CLOSES - timedelta(microseconds=1))
    saved = await scoring.client.put(
        f"/v1/applications/{app}/reviews/mine",
        json={"marks": marks(5, 5, 5, 5)},
        headers=member_auth(member),
    )
    assert saved.status_code == 200, saved.text


async def test_review_at_the_closing_instant_is_refused_naming_the_window(scoring: Scoring):
    _, member, app = await windowed(scoring)
    at(scoring, CLOSES - timedelta(seconds=1))
    url = f"/v1/applications/{app}/reviews/mine"
    draft = await scoring.client.put(
        url, json={"marks": marks(5, 5, 5, 5)}, headers=member_auth(member)
    )
    assert draft.status_code == 200
    at(scoring, CLOSES)
    refused = await scoring.client.post(f"{url}/submit", json={}, headers=member_auth(member))
    assert refused.status_code == 409
    body = refused.json()
    assert body["type"] == "urn:nic:problem:review-window-closed"
    assert body["window"] == {
        "opens_at": "2026-10-01T09:00+02:00",
        "closes_at": "2026-11-02T12:00+01:00",
    }
    assert "Europe/Oslo" in body["detail"]
    kept = await scoring.client.get(url, headers=member_auth(member))
    assert kept.json()["status"] == "draft"
    assert await scoring.events("no.nic.review.submitted.v1") == []


async def test_review_before_the_window_opens_is_refused(scoring: Scoring):
    _, member, app = await windowed(scoring)
    at(scoring, OPENS - timedelta(microseconds=1))
    refused = await scoring.client.put(
        f"/v1/applications/{app}/reviews/mine",
        json={"marks": marks(5, 5, 5, 5)},
        headers=member_auth(member),
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:review-window-not-open"
    at(scoring, OPENS)
    opened = await scoring.client.put(
        f"/v1/applications/{app}/reviews/mine",
        json={"marks": marks(5, 5, 5, 5)},
        headers=member_auth(member),
    )
    assert opened.status_code == 200


async def test_progress_counts_assigned_drafted_submitted_and_overdue(scoring: Scoring):
    panel, member, app = await windowed(scoring)
    chair = await scoring.member(panel, "Chair", chair=True)
    at(scoring, CLOSES - timedelta(days=1))
    await scoring.client.put(
        f"/v1/applications/{app}/reviews/mine",
        json={"marks": marks(5, 5, 5, 5)},
        headers=member_auth(member),
    )
    url = f"/v1/panels/{panel}/progress"
    before = (await scoring.client.get(url, headers=member_auth(chair))).json()
    mine = next(m for m in before["members"] if m["member_id"] == member)
    assert (mine["assigned"], mine["drafted"], mine["submitted"], mine["overdue"]) == (1, 1, 0, 0)
    at(scoring, CLOSES)
    after = (await scoring.client.get(url, headers=OFFICER)).json()
    assert after["closed"] is True
    assert (after["assigned"], after["overdue"]) == (1, 1)


async def test_progress_is_for_the_chair_and_officers_only(scoring: Scoring):
    panel, member, _ = await windowed(scoring)
    url = f"/v1/panels/{panel}/progress"
    assert (await scoring.client.get(url, headers=member_auth(member))).status_code == 404
