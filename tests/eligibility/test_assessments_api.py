"""The assessment flow and the officers' work over real HTTP, on SQLite and PostgreSQL,
with a real HTTP stand-in for the registry's facts endpoint (no broker: the handlers are
fed the events the consumer would hand them)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from nic_eligibility.models import AssessmentRow
from nic_shared.consumer import RetryLater
from nic_shared.contracts.registry_facts import Sector
from nic_shared.events.eligibility import EligibilityAssessed, EligibilityOverridden
from tests.eligibility.conftest import deliver, outbox_events
from tests.eligibility.stand_in import (
    CIRCULAR,
    ORG,
    call_published,
    circular_content,
    innovasjonsrammen_content,
    submitted,
    withdrawn,
)
from tests.support.services import auth

OFFICER = auth("programme_officer")
APPLICANT = auth("applicant", org=ORG[1])
OTHER_APPLICANT = auth("applicant", org=ORG[9])
PANEL = auth("panel_member", panel_member="00000000-0000-4000-8000-0000000000aa")


async def count_assessments(app) -> int:
    async with app.state.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(AssessmentRow)) or 0)


async def test_a_submitted_version_is_assessed_stored_and_published(service, facts):
    call = call_published()
    await deliver(service.app, call)
    submission = submitted(call.call_id, innovasjonsrammen_content())
    await deliver(service.app, submission)

    assert facts.queries[-1].organisations == sorted([ORG[1], ORG[2]])
    assert facts.queries[-1].as_of.isoformat() == "2030-08-30"
    events = [e for e in await outbox_events(service.app) if e.type == EligibilityAssessed.TYPE]
    assert len(events) == 1
    published = EligibilityAssessed.model_validate(events[0].data)
    assert published.outcome.value == "eligible"
    assert published.application.requested_amount_nok == 300_000
    assert published.application.partner_org_numbers == sorted([ORG[1], ORG[2]])
    grant = next(r for r in published.rule_results if r.rule_id == "grant_within_max")
    assert grant.clause.startswith("003 ")
    assert grant.facts == {"requested_nok": 300_000}

    got = await service.client.get(
        f"/v1/applications/{submission.application_id}/assessment", headers=OFFICER
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["id"] == str(published.assessment_id)
    assert (body["outcome"], body["automatic_outcome"]) == ("eligible", "eligible")
    assert body["facts"]["as_of"] == "2030-08-30"
    assert {o["key"] for o in body["facts"]["organisations"]} == {ORG[1], ORG[2]}
    assert got.headers["etag"] == '"1"'
    assert body["reasons"] == []


async def test_the_applicant_reads_outcome_and_reasons_in_norwegian_but_not_the_snapshot(
    service,
):
    call = call_published()
    await deliver(service.app, call)
    submission = submitted(call.call_id, innovasjonsrammen_content(requested=300_001))
    await deliver(service.app, submission)

    path = f"/v1/applications/{submission.application_id}/assessment"
    got = await service.client.get(path, headers={**APPLICANT, "Accept-Language": "nb"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["outcome"] == "ineligible"
    assert "facts" not in body
    assert "overrides" not in body
    assert body["reasons"] == [
        "Ikke oppfylt: Tilskuddet er høyst kr 300 000. Søkt: kr 300 001.",
        "Ikke oppfylt: Støtteandelen er høyst 50 %. Søkt: 50.0 %.",
    ]
    assert got.headers["content-language"] == "nb"
    english = await service.client.get(path, headers={**APPLICANT, "Accept-Language": "en"})
    assert any("NOK 300 001" in r for r in english.json()["reasons"])

    by_id = await service.client.get(f"/v1/assessments/{body['id']}", headers=APPLICANT)
    assert by_id.status_code == 200


async def test_others_get_404_panel_members_403_and_no_token_401(service):
    call = call_published()
    await deliver(service.app, call)
    submission = submitted(call.call_id, innovasjonsrammen_content())
    await deliver(service.app, submission)
    path = f"/v1/applications/{submission.application_id}/assessment"

    assert (await service.client.get(path, headers=OTHER_APPLICANT)).status_code == 404
    panel = await service.client.get(path, headers=PANEL)
    assert panel.status_code == 403
    assert panel.headers["content-type"].startswith("application/problem+json")
    assert (await service.client.get(path)).status_code == 401
    manager = auth("cluster_manager", cluster="00000000-0000-4000-8000-0000000000c1")
    assert (await service.client.get(path, headers=manager)).status_code == 403
    assert (await service.client.get("/v1/eligibility/queue", headers=APPLICANT)).status_code == 403
    listing = await service.client.get("/v1/assessments", headers=OTHER_APPLICANT)
    assert listing.json()["items"] == []


async def test_a_new_version_supersedes_the_earlier_assessment(service):
    call = call_published()
    await deliver(service.app, call)
    first = submitted(call.call_id, innovasjonsrammen_content(requested=400_000))
    await deliver(service.app, first)
    second = submitted(
        call.call_id,
        innovasjonsrammen_content(),
        application_id=first.application_id,
        version=2,
    )
    await deliver(service.app, second)

    got = await service.client.get(
        f"/v1/applications/{first.application_id}/assessment", headers=OFFICER
    )
    assert (got.json()["version"], got.json()["outcome"]) == (2, "eligible")
    everything = await service.client.get(
        "/v1/assessments", params={"current": "false"}, headers=OFFICER
    )
    assert [i["version"] for i in everything.json()["items"]] == [1, 2]
    current = await service.client.get("/v1/assessments", headers=OFFICER)
    assert [i["version"] for i in current.json()["items"]] == [2]

    await deliver(service.app, second)  # the same version again (another event id): no-op
    assert await count_assessments(service.app) == 2


async def test_a_withdrawal_closes_the_assessment_and_it_leaves_the_queue(service):
    call = call_published(rule_set=CIRCULAR)
    await deliver(service.app, call)
    submission = submitted(call.call_id, circular_content(), scheme="circular_value_chains")
    await deliver(service.app, submission)
    queue = await service.client.get("/v1/eligibility/queue", headers=OFFICER)
    assert [i["application_id"] for i in queue.json()["items"]] == [str(submission.application_id)]

    await deliver(service.app, withdrawn(submission))
    got = await service.client.get(
        f"/v1/applications/{submission.application_id}/assessment", headers=OFFICER
    )
    assert got.json()["status"] == "closed"
    assert got.json()["close_reason"].startswith("withdrawn")
    queue = await service.client.get("/v1/eligibility/queue", headers=OFFICER)
    assert queue.json()["items"] == []
    refused = await service.client.post(
        f"/v1/assessments/{got.json()['id']}/overrides",
        json={"outcome": "eligible", "reason": "Beløpet er innenfor rammen i praksis."},
        headers={**OFFICER, "If-Match": got.headers["etag"]},
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:nic:problem:assessment-closed"


async def test_the_queue_holds_needs_review_only_and_pages_with_a_cursor(service):
    call = call_published(rule_set=CIRCULAR)
    await deliver(service.app, call)
    review = []
    for _ in range(5):
        s = submitted(call.call_id, circular_content(), scheme="circular_value_chains")
        await deliver(service.app, s)
        review.append(str(s.application_id))
    fine = submitted(
        call.call_id, circular_content(requested=1_500_000), scheme="circular_value_chains"
    )
    await deliver(service.app, fine)

    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await service.client.get("/v1/eligibility/queue", params=params, headers=OFFICER)
        assert page.status_code == 200, page.text
        seen += [i["application_id"] for i in page.json()["items"]]
        assert all(i["outcome"] == "needs_review" for i in page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == review
    bad = await service.client.get(
        "/v1/eligibility/queue", params={"cursor": "nonsense"}, headers=OFFICER
    )
    assert bad.status_code == 400


async def test_an_override_needs_if_match_and_a_reason_and_is_audited_and_published(service):
    call = call_published(rule_set=CIRCULAR)
    await deliver(service.app, call)
    submission = submitted(call.call_id, circular_content(), scheme="circular_value_chains")
    await deliver(service.app, submission)
    got = await service.client.get(
        f"/v1/applications/{submission.application_id}/assessment", headers=OFFICER
    )
    assessment = got.json()
    path = f"/v1/assessments/{assessment['id']}/overrides"
    body = {"outcome": "eligible", "reason": "Beløpet er i størrelsesorden 1 million."}

    assert (await service.client.post(path, json=body, headers=OFFICER)).status_code == 428
    stale = await service.client.post(path, json=body, headers={**OFFICER, "If-Match": '"7"'})
    assert stale.status_code == 412
    short = await service.client.post(
        path, json={**body, "reason": "   ok   "}, headers={**OFFICER, "If-Match": '"1"'}
    )
    assert short.status_code == 422
    assert short.json()["errors"][0]["pointer"] == "#/reason"
    missing = await service.client.post(
        path, json={"outcome": "eligible"}, headers={**OFFICER, "If-Match": '"1"'}
    )
    assert missing.status_code == 422
    by_applicant = await service.client.post(
        path, json=body, headers={**APPLICANT, "If-Match": '"1"'}
    )
    assert by_applicant.status_code == 403

    done = await service.client.post(path, json=body, headers={**OFFICER, "If-Match": '"1"'})
    assert done.status_code == 201, done.text
    assert done.headers["etag"] == '"2"'
    assert done.json()["previous_outcome"] == "needs_review"
    again = await service.client.post(path, json=body, headers={**OFFICER, "If-Match": '"2"'})
    assert again.status_code == 409

    after = await service.client.get(f"/v1/assessments/{assessment['id']}", headers=OFFICER)
    assert (after.json()["outcome"], after.json()["automatic_outcome"]) == (
        "eligible",
        "needs_review",
    )
    assert [o["reason"] for o in after.json()["overrides"]] == [body["reason"]]
    trail = await service.client.get(path, headers=OFFICER)
    assert [o["outcome"] for o in trail.json()] == ["eligible"]
    queue = await service.client.get("/v1/eligibility/queue", headers=OFFICER)
    assert queue.json()["items"] == []

    overridden = [
        EligibilityOverridden.model_validate(e.data)
        for e in await outbox_events(service.app)
        if e.type == EligibilityOverridden.TYPE
    ]
    assert len(overridden) == 1
    assert overridden[0].reason == body["reason"]
    assert overridden[0].previous_outcome.value == "needs_review"
    assert overridden[0].application.requested_amount_nok == 900_000
    applicant_view = await service.client.get(
        f"/v1/assessments/{assessment['id']}", headers=APPLICANT
    )
    assert applicant_view.json()["overridden"] is True
    assert applicant_view.json()["outcome"] == "eligible"


async def test_no_decision_while_the_call_or_the_registry_is_missing(service, facts):
    early = submitted(
        call_published().call_id, innovasjonsrammen_content()
    )  # CallPublished not yet consumed
    with pytest.raises(RetryLater):
        await deliver(service.app, early)

    call = call_published()
    await deliver(service.app, call)
    submission = submitted(call.call_id, innovasjonsrammen_content())
    await facts.stop()
    with pytest.raises(RetryLater):
        await deliver(service.app, submission)
    assert await count_assessments(service.app) == 0
    await facts.start()
    await deliver(service.app, submission)
    assert await count_assessments(service.app) == 1


async def test_registry_facts_decide_a_public_partner_ineligible(service, facts):
    call = call_published()
    await deliver(service.app, call)
    facts.orgs[ORG[2]] = {"sector": Sector.PUBLIC_MUNICIPAL, "public": True}
    submission = submitted(call.call_id, innovasjonsrammen_content())
    await deliver(service.app, submission)
    got = await service.client.get(
        f"/v1/applications/{submission.application_id}/assessment", headers=OFFICER
    )
    failed = [r["rule_id"] for r in got.json()["rule_results"] if r["outcome"] == "fail"]
    assert got.json()["outcome"] == "ineligible"
    assert "partners_private_companies" in failed
