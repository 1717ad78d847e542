"""The annual evaluation through the API, on generated data with known answers (SQLite and
PostgreSQL): the yearly run, facts and checklist, assessment and overrides, the decision
(audited, published to the outbox, final), expiry warnings, who may read what, and problems."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from nic_registry.models import Base
from nic_shared.http import encode_cursor
from tests.registry.builders import (
    add_level,
    add_member,
    manager,
    new_cluster,
    officer,
    org_numbers,
    outbox_events,
    scalar,
)

FIVE = ["established_company", "established_company", "startup", "capital", "research", "public"]


@dataclass
class Generated:
    full: str  # Arena 2023-2025, all five actor types, two areas, ESCA gold to 2025-03-31
    old: str  # Arena open since 2020 (year 5), one member, no activity
    gone: str  # Arena 2019-2021: not in the programme in 2024
    never: str  # no periods at all


async def _generated(registry: Any) -> Generated:
    client = registry.client
    registry.clock.now = datetime(2025, 3, 1, 9, tzinfo=UTC)
    full = (await new_cluster(client, "Arena Full"))["id"]
    old = (await new_cluster(client, "Arena Old"))["id"]
    gone = (await new_cluster(client, "Gone"))["id"]
    never = (await new_cluster(client, "Never"))["id"]
    for cid, start, end in [
        (full, "2023-01-01", "2025-12-31"),
        (old, "2020-01-01", None),
        (gone, "2019-01-01", "2021-12-31"),
    ]:
        assert (await add_level(client, cid, "arena", start, end)).is_success
    orgs = org_numbers(len(FIVE) + 1)
    for org, kind in zip(orgs, FIVE, strict=False):
        assert (await add_member(client, full, org, kind, "2023-02-01")).is_success
    assert (await add_member(client, old, orgs[-1], "established_company")).is_success
    for day, area in [("2024-03-01", "competence"), ("2024-09-01", "innovation_collaboration")]:
        body = {"activity_date": day, "title": "x", "activity_type": area, "participant_count": 5}
        got = await client.post(f"/v1/clusters/{full}/activities", json=body, headers=officer())
        assert got.status_code == 201, got.text
    label = {"grade": "gold", "awarded": "2022-04-01", "valid_until": "2025-03-31"}
    got = await client.post(f"/v1/clusters/{full}/esca-labels", json=label, headers=officer())
    assert got.status_code == 201, got.text
    return Generated(full, old, gone, never)


async def _run(registry: Any, year: int = 2024, **body: Any) -> Any:
    return await registry.client.post(
        f"/v1/evaluations/{year}/run", json=body or None, headers=officer()
    )


async def _evaluation_of(registry: Any, cluster_id: str, headers: Any = None) -> dict[str, Any]:
    got = await registry.client.get(
        "/v1/evaluations", params={"cluster_id": cluster_id}, headers=headers or officer()
    )
    assert got.status_code == 200, got.text
    [item] = got.json()["items"]
    one = await registry.client.get(f"/v1/evaluations/{item['id']}", headers=headers or officer())
    assert one.status_code == 200, one.text
    return {**one.json(), "etag": one.headers["ETag"]}


def _verdicts(evaluation: dict[str, Any]) -> dict[str, str]:
    return {i["criterion"]: i["verdict"] for i in evaluation["checklist"]}


async def _decide(registry: Any, evaluation: dict[str, Any], outcome: str = "continue") -> Any:
    return await registry.client.post(
        f"/v1/evaluations/{evaluation['id']}/decide",
        json={"outcome": outcome},
        headers=officer(),
    )


async def test_annual_run_evaluates_every_cluster_once(registry):
    g = await _generated(registry)
    first = await _run(registry)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["as_of"], body["created"], body["existing"]) == ("2024-12-31", 2, 0)
    assert {i["cluster_id"] for i in body["items"]} == {g.full, g.old}
    again = await _run(registry)
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["existing"]) == (0, 2)
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in body["items"]]
    assert await scalar(registry.database_url, "SELECT count(*) FROM evaluations") == 2


async def test_five_point_coverage_passes_with_all_actor_types(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.full)
    facts = ev["facts"]
    assert facts["members_total"] == 6
    assert facts["members_by_actor_type"] == {
        "established_company": 2,
        "startup": 1,
        "capital": 1,
        "research": 1,
        "education": 0,
        "public": 1,
        "other": 0,
    }
    assert facts["five_point"] == {
        "covered": True,
        "present": ["established_companies", "startups", "capital", "academia", "public"],
        "missing": [],
    }
    assert facts["activities_by_area"]["competence"] == 1
    assert facts["activities_by_area"]["innovation_collaboration"] == 1
    assert facts["level"]["cap_years"] == 3
    assert facts["level"]["cap_ends_on"] == "2025-12-31"
    assert facts["level"]["year_of_term"] == 2
    assert facts["esca_label"] == {"grade": "gold", "valid_until": "2025-03-31"}
    assert _verdicts(ev) == {
        "member_base": "pass",
        "five_point": "pass",
        "development_activity": "pass",
        "level_cap": "pass",
        "esca_label": "warn",  # expires 90 days after 31 December, lead time 180
    }
    assert ev["status"] == "draft"
    assert ev["suggested_outcome"] == "continue"


async def test_arena_past_its_three_year_cap_fails_the_checklist(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.old)
    level = ev["facts"]["level"]
    assert (level["level"], level["year_of_term"], level["cap_ends_on"]) == (
        "arena",
        5,
        "2022-12-31",
    )
    assert _verdicts(ev) == {
        "member_base": "pass",
        "five_point": "warn",
        "development_activity": "fail",
        "level_cap": "fail",
    }
    assert ev["suggested_outcome"] == "warning"


async def test_esca_label_expiring_within_lead_time_is_warned(registry):
    g = await _generated(registry)
    client = registry.client
    got = await client.get(
        "/v1/evaluations/warnings",
        params={"as_of": "2025-01-01", "lead_days": 180},
        headers=officer(),
    )
    assert got.status_code == 200, got.text
    assert got.json()["items"] == [
        {
            "cluster_id": g.full,
            "cluster_name": "Arena Full",
            "kind": "esca_label",
            "expires_on": "2025-03-31",
            "days_left": 89,
            "detail": "ESCA gold",
        }
    ]
    later = await client.get(
        "/v1/evaluations/warnings", params={"as_of": "2025-07-05"}, headers=officer()
    )
    assert [(w["kind"], w["expires_on"], w["days_left"]) for w in later.json()["items"]] == [
        ("level_period", "2025-12-31", 179)
    ]  # the default lead time, 180 days
    short = await client.get(
        "/v1/evaluations/warnings",
        params={"as_of": "2025-01-01", "lead_days": 30},
        headers=officer(),
    )
    assert short.json()["items"] == []
    own = await client.get(
        "/v1/evaluations/warnings", params={"as_of": "2025-01-01"}, headers=manager(g.full)
    )
    assert [w["cluster_id"] for w in own.json()["items"]] == [g.full]
    other = await client.get(
        "/v1/evaluations/warnings", params={"as_of": "2025-01-01"}, headers=manager(g.old)
    )
    assert other.json()["items"] == []
    bad = await client.get("/v1/evaluations/warnings", params={"lead_days": 0}, headers=officer())
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["parameter"] == "lead_days"


async def test_lead_time_is_a_setting(start_registry):
    async with start_registry(expiry_warning_lead_days=30) as registry:
        await _generated(registry)
        got = await registry.client.get(
            "/v1/evaluations/warnings", params={"as_of": "2025-03-15"}, headers=officer()
        )
        assert got.json()["lead_days"] == 30
        assert [w["days_left"] for w in got.json()["items"]] == [16]


async def test_decided_evaluation_is_audited_and_published(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.old)
    client = registry.client
    patch = {
        "assessment": "Arena i femte år; må søke Arena Pro eller avslutte.",
        "overrides": {"five_point": {"verdict": "fail", "note": "Only one company left"}},
    }
    patched = await client.patch(
        f"/v1/evaluations/{ev['id']}",
        json=patch,
        headers={**officer(), "If-Match": ev["etag"]},
    )
    assert patched.status_code == 200, patched.text
    item = next(i for i in patched.json()["checklist"] if i["criterion"] == "five_point")
    assert (item["computed"], item["verdict"], item["override"]["note"]) == (
        "warn",
        "fail",
        "Only one company left",
    )
    decided = await _decide(registry, ev, "exit")
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["status"], body["outcome"]) == ("decided", "exit")
    assert body["decided_at"].startswith("2025-03-01T09:00:00")
    audit = body["audit"]
    assert [a["action"] for a in audit] == ["created", "updated", "decided"]
    assert audit[-1]["details"] == {"outcome": "exit", "assessment": patch["assessment"]}
    assert audit[1]["details"]["overrides"]["five_point"]["note"] == "Only one company left"
    assert all(a["actor"] for a in audit)
    [event] = await outbox_events(registry.database_url, "no.nic.cluster.evaluated.v1")
    assert event["subject"] == g.old
    assert event["data"] == {
        "evaluation_id": ev["id"],
        "cluster_id": g.old,
        "year": 2024,
        "outcome": "exit",
        "decided_at": event["data"]["decided_at"],
    }
    assert "assessment" not in str(event)
    decided_rows = await scalar(
        registry.database_url,
        "SELECT count(*) FROM evaluation_audit WHERE action = 'decided'",
    )
    assert decided_rows == 1


async def test_decided_evaluation_cannot_change(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.full)
    assert (await _decide(registry, ev)).status_code == 200
    now = await _evaluation_of(registry, g.full)
    client = registry.client
    patched = await client.patch(
        f"/v1/evaluations/{ev['id']}",
        json={"assessment": "changed"},
        headers={**officer(), "If-Match": now["etag"]},
    )
    assert patched.status_code == 409
    assert patched.json()["type"] == "urn:nic:problem:evaluation-decided"
    again = await _decide(registry, ev, "exit")
    assert again.status_code == 409
    after = await _evaluation_of(registry, g.full)
    assert (after["outcome"], after["assessment"], after["version"]) == (
        "continue",
        None,
        now["version"],
    )
    assert len(await outbox_events(registry.database_url, "no.nic.cluster.evaluated.v1")) == 1


async def test_future_year_is_422(registry):
    await _generated(registry)
    got = await _run(registry, 2026)
    assert got.status_code == 422
    assert got.headers["content-type"].startswith("application/problem+json")
    assert got.json()["errors"] == [
        {
            "parameter": "year",
            "in": "path",
            "rule": "not_in_future",
            "detail": got.json()["errors"][0]["detail"],
        }
    ]
    outside = await _run(registry, 2024, as_of="2023-12-31")
    assert outside.json()["errors"][0]["rule"] == "within_year"
    ahead = await _run(registry, 2025, as_of="2025-06-30")
    assert (ahead.status_code, ahead.json()["errors"][0]["rule"]) == (422, "not_in_future")
    assert await scalar(registry.database_url, "SELECT count(*) FROM evaluations") == 0


async def test_this_years_run_is_at_today(registry):
    await _generated(registry)
    got = await _run(registry, 2025)
    assert got.status_code == 201, got.text
    assert got.json()["as_of"] == "2025-03-01"


async def test_cluster_manager_reads_only_their_own(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.full)
    client = registry.client
    url = f"/v1/evaluations/{ev['id']}"
    draft = await client.get(url, headers=manager(g.full))
    assert draft.status_code == 404  # not before it is decided
    assert (await client.get(url, headers=manager(g.old))).status_code == 404
    assert (await _decide(registry, ev)).status_code == 200
    own = await client.get(url, headers=manager(g.full))
    assert own.status_code == 200, own.text
    assert own.json()["audit"] is None
    assert (await client.get(url, headers=manager(g.old))).status_code == 404
    listed = await client.get("/v1/evaluations", headers=manager(g.full))
    assert [i["id"] for i in listed.json()["items"]] == [ev["id"]]
    assert (await client.get("/v1/evaluations", headers=manager(g.old))).json()["items"] == []
    other = await client.get(
        "/v1/evaluations", params={"cluster_id": g.full}, headers=manager(g.old)
    )
    assert other.status_code == 404
    run = await client.post("/v1/evaluations/2024/run", headers=manager(g.full))
    assert run.status_code == 403


async def test_unknown_evaluation_or_cluster_is_404(registry):
    await _generated(registry)
    client = registry.client
    got = await client.get(f"/v1/evaluations/{uuid.uuid4()}", headers=officer())
    assert got.status_code == 404
    assert got.headers["content-type"].startswith("application/problem+json")
    unknown = await client.get(
        "/v1/evaluations", params={"cluster_id": str(uuid.uuid4())}, headers=officer()
    )
    assert unknown.status_code == 404
    decide = await client.post(
        f"/v1/evaluations/{uuid.uuid4()}/decide", json={"outcome": "exit"}, headers=officer()
    )
    assert decide.status_code == 404


async def test_bad_changes_are_problems_and_change_nothing(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.full)
    client = registry.client
    url = f"/v1/evaluations/{ev['id']}"
    not_checked = await client.patch(
        url,
        json={"overrides": {"mature_renewal": {"verdict": "pass", "note": "n"}}},
        headers={**officer(), "If-Match": ev["etag"]},
    )
    assert not_checked.status_code == 422
    assert not_checked.json()["errors"][0]["pointer"] == "#/overrides/mature_renewal"
    assert not_checked.json()["errors"][0]["rule"] == "in_checklist"
    no_note = await client.patch(
        url,
        json={"overrides": {"five_point": {"verdict": "pass"}}},
        headers={**officer(), "If-Match": ev["etag"]},
    )
    assert no_note.status_code == 422
    assert no_note.json()["errors"][0]["pointer"] == "#/overrides/five_point/note"
    assert (await client.patch(url, json={}, headers=officer())).status_code == 428
    stale = await client.patch(url, json={}, headers={**officer(), "If-Match": '"99"'})
    assert stale.status_code == 412
    bad_outcome = await client.post(f"{url}/decide", json={"outcome": "maybe"}, headers=officer())
    assert bad_outcome.status_code == 422
    warning = await _decide(registry, ev, "warning")
    assert warning.status_code == 422
    assert warning.json()["errors"][0]["pointer"] == "#/assessment"
    assert warning.json()["errors"][0]["rule"] == "assessment_required"
    after = await _evaluation_of(registry, g.full)
    assert (after["version"], after["status"]) == (ev["version"], "draft")
    assert after["audit"] == ev["audit"]


async def test_evaluations_list_by_year_outcome_and_status_in_pages(registry):
    g = await _generated(registry)
    await _run(registry)
    ev = await _evaluation_of(registry, g.full)
    await _decide(registry, ev)
    client = registry.client
    first = await client.get("/v1/evaluations", params={"limit": 1}, headers=officer())
    assert len(first.json()["items"]) == 1
    cursor = first.json()["next_cursor"]
    second = await client.get(
        "/v1/evaluations", params={"limit": 1, "cursor": cursor}, headers=officer()
    )
    ids = {first.json()["items"][0]["id"], second.json()["items"][0]["id"]}
    assert len(ids) == 2
    done = await client.get(
        "/v1/evaluations", params={"outcome": "continue", "year": 2024}, headers=officer()
    )
    assert [i["cluster_id"] for i in done.json()["items"]] == [g.full]
    drafts = await client.get("/v1/evaluations", params={"status": "draft"}, headers=officer())
    assert [i["cluster_id"] for i in drafts.json()["items"]] == [g.old]
    assert drafts.json()["items"][0]["verdicts"] == {"pass": 1, "warn": 1, "fail": 2}
    none = await client.get("/v1/evaluations", params={"year": 2023}, headers=officer())
    assert none.json()["items"] == []
    bad = await client.get("/v1/evaluations", params={"cursor": "nonsense"}, headers=officer())
    assert bad.status_code == 400
    forged = await client.get(
        "/v1/evaluations", params={"cursor": encode_cursor("x", "y")}, headers=officer()
    )
    assert forged.status_code == 400
    assert forged.json()["type"] == "urn:nic:problem:invalid-cursor"


async def test_the_registry_migrations_match_the_models(registry):
    engine = create_async_engine(registry.database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []
