"""`POST /v1/eligibility/check`: the rule results for an unsaved application."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from nic_eligibility.models import AssessmentRow
from tests.eligibility.conftest import deliver, outbox_events
from tests.eligibility.stand_in import DEADLINE, ORG, call_published, innovasjonsrammen_content
from tests.support.services import auth

OFFICER = auth("programme_officer")
APPLICANT = auth("applicant", org=ORG[1])


def body(call_id: uuid.UUID, **content_changes) -> dict:
    return {
        "call_id": str(call_id),
        "applicant_org_number": ORG[1],
        "content": innovasjonsrammen_content(**content_changes).model_dump(mode="json"),
        "submitted_at": (DEADLINE - timedelta(days=3)).isoformat(),
    }


async def test_the_dry_run_explains_and_stores_nothing(service):
    call = call_published()
    await deliver(service.app, call)
    answer = await service.client.post(
        "/v1/eligibility/check",
        json=body(call.call_id, requested=350_000),
        headers={**APPLICANT, "Accept-Language": "nb"},
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["outcome"], result["stored"]) == ("ineligible", False)
    assert any("350 000" in r for r in result["reasons"])
    assert all(r["clause"] for r in result["rule_results"])
    async with service.app.state.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(AssessmentRow)) == 0
    assert await outbox_events(service.app) == []

    fine = await service.client.post(
        "/v1/eligibility/check", json=body(call.call_id), headers=OFFICER
    )
    assert (fine.json()["outcome"], fine.json()["reasons"]) == ("eligible", [])


async def test_the_dry_run_at_the_deadline_instant_is_late(service):
    call = call_published()
    await deliver(service.app, call)
    late = {**body(call.call_id), "submitted_at": DEADLINE.isoformat()}
    answer = await service.client.post("/v1/eligibility/check", json=late, headers=OFFICER)
    assert answer.json()["outcome"] == "ineligible"
    deadline_rule = answer.json()["rule_results"][0]
    assert (deadline_rule["rule_id"], deadline_rule["outcome"]) == ("submitted_by_deadline", "fail")


async def test_the_dry_run_refuses_others_and_unknown_calls(service):
    call = call_published()
    await deliver(service.app, call)
    other = auth("applicant", org=ORG[9])
    refused = await service.client.post(
        "/v1/eligibility/check", json=body(call.call_id), headers=other
    )
    assert refused.status_code == 403
    panel = auth("panel_member")
    assert (
        await service.client.post("/v1/eligibility/check", json=body(call.call_id), headers=panel)
    ).status_code == 403
    unknown = await service.client.post(
        "/v1/eligibility/check", json=body(uuid.uuid4()), headers=OFFICER
    )
    assert unknown.status_code == 404
    extra = {**body(call.call_id), "secret_field": 1}
    invalid = await service.client.post("/v1/eligibility/check", json=extra, headers=OFFICER)
    assert invalid.status_code == 422


async def test_the_dry_run_answers_503_with_retry_after_while_the_registry_is_down(service, facts):
    call = call_published()
    await deliver(service.app, call)
    await facts.stop()
    answer = await service.client.post(
        "/v1/eligibility/check", json=body(call.call_id), headers=OFFICER
    )
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == "urn:nic:problem:registry-unavailable"
    await facts.start()
    again = await service.client.post(
        "/v1/eligibility/check", json=body(call.call_id), headers=OFFICER
    )
    assert again.status_code == 200
