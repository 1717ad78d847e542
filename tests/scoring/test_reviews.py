"""Reviews: drafts and submission, clear refusals, who sees what, consensus, withdrawal."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from tests.scoring.conftest import OFFICER, Scoring, inno_scheme, marks, member_auth
from tests.support.services import auth


async def _one_assigned(scoring: Scoring, n: int = 1, **kw):
    call = await scoring.call(**kw)
    panel = await scoring.panel(call, n=n)
    member = await scoring.member(panel)
    app = await scoring.eligible(call)
    assert (await scoring.assign(panel, app, member)).status_code == 201
    return call, panel, member, app


async def test_a_draft_is_saved_then_submitted_and_then_frozen(scoring: Scoring):
    _, _, member, app = await _one_assigned(scoring)
    url = f"/v1/applications/{app}/reviews/mine"
    saved = await scoring.client.put(
        url,
        json={"marks": marks(4, 4, 4, 4, comment="ok"), "comment": "utkast"},
        headers=member_auth(member),
    )
    assert saved.status_code == 200
    assert saved.json()["status"] == "draft"
    replaced = await scoring.client.put(
        url, json={"marks": marks(6, 5, 4, 7)}, headers=member_auth(member)
    )
    assert replaced.json()["review_id"] == saved.json()["review_id"]
    assert await scoring.events("no.nic.review.submitted.v1") == []

    submitted = await scoring.client.post(f"{url}/submit", json={}, headers=member_auth(member))
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [Decimal(m["mark"]) for m in submitted.json()["marks"]] == [6, 5, 4, 7]
    frozen = await scoring.client.put(
        url, json={"marks": marks(1, 1, 1, 1)}, headers=member_auth(member)
    )
    assert frozen.status_code == 409
    assert frozen.json()["type"] == "urn:nic:problem:review-submitted"
    assert len(await scoring.events("no.nic.review.submitted.v1")) == 1


async def test_marks_outside_the_scale_or_missing_are_refused_with_pointers(scoring: Scoring):
    _, _, member, app = await _one_assigned(scoring)
    url = f"/v1/applications/{app}/reviews/mine"
    outside = await scoring.client.put(
        url, json={"marks": marks(8, 5, 4, 7)}, headers=member_auth(member)
    )
    assert outside.status_code == 422
    assert outside.headers["content-type"].startswith("application/problem+json")
    body = outside.json()
    assert body["type"] == "urn:nic:problem:invalid-marks"
    assert body["errors"] == [
        {"pointer": "#/marks/0/mark", "rule": "out_of_range", "detail": body["errors"][0]["detail"]}
    ]
    assert "outside 1–7" in body["detail"]

    off_step = await scoring.client.put(
        url, json={"marks": marks("5.5", 5, 4, 7)}, headers=member_auth(member)
    )
    assert off_step.json()["errors"][0]["rule"] == "off_step"

    missing = await scoring.client.put(
        url, json={"marks": marks(5, 5, 5, 5)[:3]}, headers=member_auth(member)
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"pointer": "#/marks", "rule": "missing", "detail": "ability_to_deliver: no mark given"}
    ]
    unknown = [*marks(5, 5, 5, 5), {"criterion_id": "charm", "mark": 7}]
    refused = await scoring.client.put(url, json={"marks": unknown}, headers=member_auth(member))
    assert refused.json()["errors"][0]["pointer"] == "#/marks/4/criterion_id"
    as_float = await scoring.client.put(
        url, json={"marks": marks(5, 5, 5, 5), "extra": 1}, headers=member_auth(member)
    )
    assert as_float.status_code == 422  # unknown fields are refused


async def test_a_member_sees_only_their_assignments(scoring: Scoring):
    call, panel, member, app = await _one_assigned(scoring)
    other_app = await scoring.eligible(call, "Ikke din")
    other_member = await scoring.member(panel, "Other")
    assert (await scoring.assign(panel, other_app, other_member)).status_code == 201

    mine = await scoring.client.get("/v1/assignments/mine", headers=member_auth(member))
    assert [a["application_id"] for a in mine.json()] == [app]
    seen = await scoring.client.get(f"/v1/applications/{app}", headers=member_auth(member))
    assert seen.status_code == 200
    assert "assigned_member_ids" not in seen.json()
    hidden = await scoring.client.get(f"/v1/applications/{other_app}", headers=member_auth(member))
    assert hidden.status_code == 404
    not_assigned = await scoring.submit(other_app, member, (5, 5, 5, 5))
    assert not_assigned.status_code == 404
    assert not_assigned.json()["type"] == "urn:nic:problem:not-assigned"
    stranger = await scoring.submit(app, str(uuid.uuid4()), (5, 5, 5, 5))
    assert stranger.status_code == 404
    no_claim = await scoring.client.get("/v1/assignments/mine", headers=auth("panel_member"))
    assert no_claim.json()["type"] == "urn:nic:problem:panel-member-required"
    # the officer sees everything, reviewers included
    full = await scoring.client.get(f"/v1/applications/{app}", headers=OFFICER)
    assert full.json()["assigned_member_ids"] == [member]


async def test_the_result_waits_for_every_assigned_reviewer(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=2)
    first, second = await scoring.member(panel, "A"), await scoring.member(panel, "B")
    app = await scoring.eligible(call)
    for m in (first, second):
        await scoring.assign(panel, app, m)
    await scoring.submit(app, first, (6, 6, 6, 6))
    assert await scoring.events("no.nic.panel.scored.v1") == []
    await scoring.submit(app, second, (4, 4, 4, 5))
    [scored] = await scoring.events("no.nic.panel.scored.v1")
    assert Decimal(scored["weighted_total"]) == Decimal("5.1")  # mean of 6.0 and 4.2


async def test_consensus_by_the_chair_makes_the_result(scoring: Scoring):
    call = await scoring.call(scheme=inno_scheme(consensus_required=True))
    panel = await scoring.panel(call, n=1)
    chair = await scoring.member(panel, "Leder", chair=True)
    reviewer = await scoring.member(panel, "Medlem")
    app = await scoring.eligible(call)
    await scoring.assign(panel, app, reviewer)
    url = f"/v1/applications/{app}/consensus"
    body = {"marks": marks(6, 5, 4, 7), "comment": "Panelet er enige."}

    early = await scoring.client.post(url, json=body, headers=member_auth(chair))
    assert early.json()["type"] == "urn:nic:problem:reviews-incomplete"
    await scoring.submit(app, reviewer, (5, 5, 5, 5))
    assert await scoring.events("no.nic.panel.scored.v1") == []  # consensus decides

    not_chair = await scoring.client.post(url, json=body, headers=member_auth(reviewer))
    assert not_chair.status_code == 404
    recorded = await scoring.client.post(url, json=body, headers=member_auth(chair))
    assert recorded.status_code == 200, recorded.text
    assert Decimal(recorded.json()["weighted_total"]) == Decimal("5.45")
    [scored] = await scoring.events("no.nic.panel.scored.v1")
    assert scored["by_consensus"] is True


async def test_thresholds_are_reported_and_exclude_from_funding(scoring: Scoring):
    call = await scoring.call(scheme=inno_scheme(overall_threshold=Decimal(4)))
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    weak = await scoring.scored(call, (3, 3, 3, 3), panel, member)
    [scored] = await scoring.events("no.nic.panel.scored.v1")
    assert scored["passed_thresholds"] is False
    assert scored["threshold_misses"] == [
        {"criterion_id": None, "required": "4.00", "actual": "3.00"}
    ]
    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    assert [(e["application_id"], e["rank"], e["outcome"]) for e in preview.json()["entries"]] == [
        (weak, None, "not_recommended")
    ]


async def test_a_withdrawal_sets_the_work_aside(scoring: Scoring):
    call, _panel, member, app = await _one_assigned(scoring)
    await scoring.submit(app, member, (5, 5, 5, 5))
    await scoring.withdraw(call, app)
    state = (await scoring.client.get(f"/v1/applications/{app}", headers=OFFICER)).json()
    assert state["status"] == "withdrawn"
    assert state["result"] is None
    assert state["assigned_member_ids"] == []
    [review] = (await scoring.client.get(f"/v1/applications/{app}/reviews", headers=OFFICER)).json()
    assert review["status"] == "invalid"
    # a late assessment cannot bring it back
    await scoring.eligible(call, application_id=app, version=2)
    state = (await scoring.client.get(f"/v1/applications/{app}", headers=OFFICER)).json()
    assert state["status"] == "withdrawn"


async def test_eligibility_decides_what_is_scorable(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call)
    member = await scoring.member(panel)
    app = await scoring.eligible(call, outcome="needs_review")
    refused = await scoring.assign(panel, app, member)
    assert refused.json()["type"] == "urn:nic:problem:application-not-scorable"
    await scoring.eligible(call, application_id=app, version=2)  # now eligible
    assert (await scoring.assign(panel, app, member)).status_code == 201
    await scoring.eligible(call, application_id=app, version=1, outcome="ineligible")  # stale
    state = (await scoring.client.get(f"/v1/applications/{app}", headers=OFFICER)).json()
    assert state["status"] == "scorable"


async def test_applicants_are_refused_on_every_scoring_endpoint(scoring: Scoring):
    applicant = auth("applicant", org="910000004")
    ids = {name: str(uuid.uuid4()) for name in ("call_id", "panel_id", "application_id")}
    routes = [
        (method.upper(), path)
        for path, operations in scoring.app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method in operations
    ]
    assert len(routes) >= 20
    for method, path in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "1"), path)
        response = await scoring.client.request(method, url, headers=applicant, json={})
        assert response.status_code == 403, (method, path, response.status_code)
