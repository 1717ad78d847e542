"""Idempotency-Key on scoring's creating POSTs: a retry with the same key replays the first
answer and creates nothing more; the same key with another body is 409; keys belong to the
caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy import table as table_clause
from sqlalchemy.ext.asyncio import create_async_engine

from tests.scoring.conftest import OFFICER, Scoring, marks, member_auth
from tests.support.services import auth

OTHER_OFFICER = auth("programme_officer", subject="officer-2")


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def count(scoring: Scoring, table: str) -> int:
    engine = create_async_engine(scoring.database_url)
    try:
        async with engine.connect() as conn:
            query = select(func.count()).select_from(table_clause(table))
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


def panel_body(call_id: str, name: str = "Panel") -> dict[str, Any]:
    return {"call_id": call_id, "name": name, "reviewers_per_application": 1}


async def test_retry_with_the_same_key_creates_one_panel_and_replays_the_first_answer(
    scoring: Scoring,
):
    call = await scoring.call()
    headers = keyed(OFFICER, "panel-1")
    first = await scoring.client.post("/v1/panels", json=panel_body(call), headers=headers)
    assert first.status_code == 201, first.text
    retry = await scoring.client.post("/v1/panels", json=panel_body(call), headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert (
        retry.headers["Location"] == first.headers["Location"] == f"/v1/panels/{first.json()['id']}"
    )
    assert await count(scoring, "panels") == 1


async def test_same_key_with_another_panel_body_is_409_and_nothing_changes(scoring: Scoring):
    call = await scoring.call()
    headers = keyed(OFFICER, "panel-1")
    first = await scoring.client.post("/v1/panels", json=panel_body(call), headers=headers)
    assert first.status_code == 201, first.text
    other = await scoring.client.post(
        "/v1/panels", json=panel_body(call, "Another name"), headers=headers
    )
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    assert await count(scoring, "panels") == 1
    panel = await scoring.client.get(first.headers["Location"], headers=OFFICER)
    assert panel.json()["name"] == "Panel"


async def test_retry_with_the_same_key_adds_one_panel_member(scoring: Scoring):
    panel = await scoring.panel(await scoring.call())
    path = f"/v1/panels/{panel}/members"
    body = {"name": "Reviewer", "org_numbers": ["910000004"]}
    first = await scoring.client.post(path, json=body, headers=keyed(OFFICER, "member-1"))
    assert first.status_code == 201, first.text
    retry = await scoring.client.post(path, json=body, headers=keyed(OFFICER, "member-1"))
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert await count(scoring, "panel_members") == 1

    other = await scoring.client.post(
        path, json={**body, "name": "Someone else"}, headers=keyed(OFFICER, "member-1")
    )
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    assert await count(scoring, "panel_members") == 1


async def test_retry_of_a_manual_assignment_replays_instead_of_already_assigned(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call)
    member = await scoring.member(panel)
    app = await scoring.eligible(call)
    path = f"/v1/panels/{panel}/assignments"
    body = {"application_id": app, "member_id": member}
    first = await scoring.client.post(path, json=body, headers=keyed(OFFICER, "assign-1"))
    assert first.status_code == 201, first.text
    retry = await scoring.client.post(path, json=body, headers=keyed(OFFICER, "assign-1"))
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert await count(scoring, "assignments") == 1

    other_app = await scoring.eligible(call, "Other")
    reused = await scoring.client.post(
        path, json={**body, "application_id": other_app}, headers=keyed(OFFICER, "assign-1")
    )
    assert reused.status_code == 409
    assert reused.json()["type"] == "urn:nic:problem:idempotency-key-reused"
    assert await count(scoring, "assignments") == 1


async def test_an_invalid_key_is_a_400_problem_naming_idempotency_key(scoring: Scoring):
    call = await scoring.call()
    response = await scoring.client.post(
        "/v1/panels", json=panel_body(call), headers=keyed(OFFICER, "k" * 201)
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:nic:problem:invalid-idempotency-key"
    assert "Idempotency-Key" in response.json()["detail"]
    assert await count(scoring, "panels") == 0


async def test_keys_are_per_caller_another_officer_gets_their_own_member(scoring: Scoring):
    panel = await scoring.panel(await scoring.call())
    path = f"/v1/panels/{panel}/members"
    mine = await scoring.client.post(path, json={"name": "A"}, headers=keyed(OFFICER, "shared-key"))
    theirs = await scoring.client.post(
        path, json={"name": "A"}, headers=keyed(OTHER_OFFICER, "shared-key")
    )
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert mine.json()["member_id"] != theirs.json()["member_id"]
    assert await count(scoring, "panel_members") == 2


async def test_a_ranking_retry_with_the_same_key_replays_it_even_after_inputs_changed(
    scoring: Scoring,
):
    """The retry is the same request: it gets the version it made, not a new one."""
    call = await scoring.call(budget=600_000)
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    first_app = await scoring.scored(call, (6, 6, 6, 6), panel, member)
    await scoring.scored(call, (5, 5, 5, 5), panel, member, title="Nummer to")
    url = f"/v1/calls/{call}/rankings"
    first = await scoring.client.post(url, json={}, headers=keyed(OFFICER, "rank-1"))
    assert (first.status_code, first.json()["version"]) == (201, 1)

    await scoring.withdraw(call, first_app)  # the inputs change
    retry = await scoring.client.post(url, json={}, headers=keyed(OFFICER, "rank-1"))
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert len(await scoring.events("no.nic.ranking.published.v1")) == 1

    fresh = await scoring.client.post(url, json={}, headers=keyed(OFFICER, "rank-2"))
    assert (fresh.status_code, fresh.json()["version"]) == (201, 2)


async def test_a_review_submission_retry_with_the_same_key_replays_the_first_answer(
    scoring: Scoring,
):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    application = await scoring.eligible(call)
    assert (await scoring.assign(panel, application, member)).status_code == 201
    path = f"/v1/applications/{application}/reviews/mine/submit"
    headers = keyed(member_auth(member), "review-1")
    body = {"marks": marks(6, 5, 4, 7)}
    first = await scoring.client.post(path, json=body, headers=headers)
    assert first.status_code == 200, first.text
    retry = await scoring.client.post(path, json=body, headers=headers)
    assert (retry.status_code, retry.json()) == (200, first.json())
    assert await count(scoring, "reviews") == 1

    other = await scoring.client.post(path, json={"marks": marks(1, 1, 1, 1)}, headers=headers)
    assert other.status_code == 409
    assert other.json()["type"] == "urn:nic:problem:idempotency-key-reused"
