"""Panels: balanced automatic assignment that never picks a conflicted member, manual
assignment under the same checks, and a late conflict declaration (audited)."""

from __future__ import annotations

import uuid
from collections import Counter

from tests.scoring.conftest import OFFICER, ORGS, Scoring, marks, member_auth

CLUSTER = str(uuid.uuid4())


async def test_auto_assignment_is_balanced_and_never_conflicted(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=2)
    org_tied = await scoring.member(panel, "Org-tied", org_numbers=[ORGS[1]])
    cluster_tied = await scoring.member(panel, "Cluster-tied", cluster_ids=[CLUSTER])
    free = [await scoring.member(panel, f"Free {i}") for i in range(2)]
    with_partner = await scoring.eligible(call, "A", partners=(ORGS[1],))
    in_cluster = await scoring.eligible(call, "B", cluster=CLUSTER)
    plain = [await scoring.eligible(call, f"C{i}") for i in range(2)]
    await scoring.eligible(call, "Ineligible", outcome="ineligible")

    response = await scoring.client.post(
        f"/v1/panels/{panel}/auto-assign", json={}, headers=OFFICER
    )
    assert response.status_code == 200, response.text
    assert response.json()["shortfalls"] == []
    pairs = {(a["application_id"], a["member_id"]) for a in response.json()["created"]}
    assert len(pairs) == 8  # 4 eligible applications x 2; the ineligible one gets none
    assert (with_partner, org_tied) not in pairs
    assert (in_cluster, cluster_tied) not in pairs
    assert {a for a, _ in pairs} == {with_partner, in_cluster, *plain}
    loads = Counter(m for _, m in pairs)
    assert set(loads) == {org_tied, cluster_tied, *free}
    assert max(loads.values()) - min(loads.values()) <= 1

    again = await scoring.client.post(f"/v1/panels/{panel}/auto-assign", json={}, headers=OFFICER)
    assert again.json()["created"] == []  # every application already has two


async def test_a_manual_assignment_of_a_conflicted_member_is_refused(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call)
    member = await scoring.member(panel, org_numbers=[ORGS[0]])
    app = await scoring.eligible(call, owner=ORGS[0])

    refused = await scoring.assign(panel, app, member)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"] == "urn:nic:problem:reviewer-conflicted"
    assert refused.json()["conflicts"] == [{"kind": "organisation", "ref": ORGS[0]}]

    other = await scoring.member(panel, "Other")
    assert (await scoring.assign(panel, app, other)).status_code == 201
    twice = await scoring.assign(panel, app, other)
    assert twice.json()["type"] == "urn:nic:problem:already-assigned"


async def test_a_late_conflict_removes_the_assignment_and_voids_the_review(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=2)
    first, second = await scoring.member(panel, "First"), await scoring.member(panel, "Second")
    app = await scoring.eligible(call)
    for member in (first, second):
        assert (await scoring.assign(panel, app, member)).status_code == 201
    draft = await scoring.client.put(
        f"/v1/applications/{app}/reviews/mine",
        json={"marks": marks(5, 5, 5, 5, comment="bra")},
        headers=member_auth(first),
    )
    assert draft.status_code == 200, draft.text

    declared = await scoring.client.post(
        f"/v1/panels/{panel}/conflicts",
        json={"application_id": app, "reason": "my brother-in-law runs the applicant"},
        headers=member_auth(first),
    )
    assert declared.status_code == 201, declared.text
    assert declared.json()["assignments_removed"] == 1
    assert declared.json()["reviews_invalidated"] == [draft.json()["review_id"]]

    # the application no longer exists for the conflicted member
    assert (
        await scoring.client.get(f"/v1/applications/{app}", headers=member_auth(first))
    ).status_code == 404
    refused = await scoring.submit(app, first, (5, 5, 5, 5))
    assert refused.status_code == 404
    assert refused.json()["type"] == "urn:nic:problem:not-assigned"
    mine = await scoring.client.get("/v1/assignments/mine", headers=member_auth(first))
    assert mine.json() == []
    # nor can they be assigned again, by hand or automatically
    assert (await scoring.assign(panel, app, first)).json()["type"] == (
        "urn:nic:problem:reviewer-conflicted"
    )
    auto = await scoring.client.post(f"/v1/panels/{panel}/auto-assign", json={}, headers=OFFICER)
    assert auto.json()["shortfalls"] == [{"application_id": app, "required": 2, "assigned": 1}]

    reviews = await scoring.client.get(f"/v1/applications/{app}/reviews", headers=OFFICER)
    [review] = reviews.json()
    assert review["status"] == "invalid"
    assert review["invalid_reason"] == "conflict declared"
    audit = await scoring.client.get(f"/v1/panels/{panel}/audit", headers=OFFICER)
    assert [a["action"] for a in audit.json()] == [
        "conflict_declared",
        "assignment_removed",
        "review_invalidated",
    ]
    again = await scoring.client.post(
        f"/v1/panels/{panel}/conflicts",
        json={"application_id": app, "reason": "again"},
        headers=member_auth(first),
    )
    assert again.status_code == 200


async def test_a_conflict_after_the_result_withdraws_it(scoring: Scoring):
    call = await scoring.call()
    panel = await scoring.panel(call, n=1)
    member = await scoring.member(panel)
    app = await scoring.scored(call, (6, 6, 6, 6), panel, member)
    assert (
        await scoring.client.get(f"/v1/applications/{app}/result", headers=OFFICER)
    ).status_code == 200

    declared = await scoring.client.post(
        f"/v1/panels/{panel}/conflicts",
        json={"application_id": app, "reason": "found out late", "member_id": member},
        headers=OFFICER,
    )
    assert declared.json()["result_withdrawn"] is True
    assert (
        await scoring.client.get(f"/v1/applications/{app}/result", headers=OFFICER)
    ).status_code == 404
    preview = await scoring.client.get(f"/v1/calls/{call}/ranking/preview", headers=OFFICER)
    assert preview.json()["entries"] == []
    assert preview.json()["unscored"] == [app]


async def test_one_panel_per_call_and_a_scheme_is_needed(scoring: Scoring):
    call = await scoring.call()
    await scoring.panel(call)
    body = {"call_id": call, "name": "Second"}
    twice = await scoring.client.post("/v1/panels", json=body, headers=OFFICER)
    assert twice.json()["type"] == "urn:nic:problem:panel-exists"
    unknown = {"call_id": str(uuid.uuid4()), "name": "X"}
    missing = await scoring.client.post("/v1/panels", json=unknown, headers=OFFICER)
    assert missing.status_code == 409
    assert missing.json()["type"] == "urn:nic:problem:scheme-unknown"
