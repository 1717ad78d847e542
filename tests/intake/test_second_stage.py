"""Innovasjonsrammen steps 7-8 (ADR 0013): the formal application is an application in a
second-stage call that follows the first; only a recommended proposal opens one (naming
it), once; the draft starts from the proposal; the second stage's own deadline applies
through the ordinary submit. When the ranking is published, the cluster's manager is mailed
which of its proposals are recommended."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from nic_intake.status.consumers import on_ranking_published
from nic_shared.events import new_event
from nic_shared.events.scoring import FundingOutcome, RankingEntry, RankingPublished
from tests.intake.builders import OFFICER, OTHER_ORG, applicant, open_call, scalar, submit
from tests.intake.test_priority import IN_CLUSTER_STAGE, forward, setting_up

SECOND_OPENS = datetime(2026, 12, 20, 9, tzinfo=UTC)


async def second_stage(intake: Any, first: str, deadline: str = "2027-02-01T16:00:00") -> Any:
    body = {
        "code": f"INNO2-{uuid.uuid4().hex[:6].upper()}",
        "scheme": "innovasjonsrammen",
        "title": {"nb": "Innovasjonsrammen, formell søknad", "en": "Formal application"},
        "description": {"nb": "Trinn 2", "en": "Stage 2"},
        "opens_at_local": "2026-12-10T09:00:00",
        "deadline_local": deadline,
        "budget_frame_nok": 1_000_000,
        "follows_call_id": first,
    }
    return await intake.client.post("/v1/calls", json=body, headers=OFFICER)


async def publish_ranking(intake: Any, call_id: str, outcomes: dict[str, str]) -> None:
    payload = RankingPublished(
        call_id=uuid.UUID(call_id),
        ranking_version=1,
        budget_frame_nok=1_000_000,
        recommended_total_nok=300_000,
        entries=[
            RankingEntry(
                application_id=uuid.UUID(app),
                title="t",
                rank=n,
                weighted_total="5",
                requested_amount_nok=300_000,
                outcome=FundingOutcome(outcome),
            )
            for n, (app, outcome) in enumerate(outcomes.items(), start=1)
        ],
        published_at=datetime(2026, 12, 18, 12, tzinfo=UTC),
    )
    for _ in range(2):  # a redelivery mails nobody twice
        async with intake.app.state.db.transaction() as session:
            await on_ranking_published(session, payload, new_event(payload, source="/t"), None)


async def open_second(intake: Any, call_id: str, proposal: str | None, org: str | None = None):
    body: dict[str, Any] = {"call_id": call_id}
    if proposal is not None:
        body["proposal_id"] = proposal
    headers = applicant(org) if org else applicant()
    return await intake.client.post("/v1/applications", json=body, headers=headers)


async def test_only_a_recommended_proposal_opens_the_formal_application_once(intake):
    first, ours, _ = await setting_up(intake, 3)
    intake.clock.now = IN_CLUSTER_STAGE
    assert (await forward(intake, first["id"], ours[:2])).status_code == 201
    await publish_ranking(intake, first["id"], {ours[0]: "recommended", ours[1]: "reserve"})
    outcome_mails = await scalar(
        intake.database_url,
        "SELECT count(*) FROM mail_outbox WHERE recipient = 'kari@klynge.example'"
        " AND subject LIKE 'Panelets anbefaling%'",
    )
    assert outcome_mails == 1

    made = await second_stage(intake, first["id"])
    assert made.status_code == 201, made.text
    second = made.json()
    assert second["follows_call_id"] == first["id"]
    assert second["cluster_stage"] is None
    assert (
        await intake.client.post(f"/v1/calls/{second['id']}/publish", headers=OFFICER)
    ).is_success

    intake.clock.now = SECOND_OPENS
    opened = await open_second(intake, second["id"], ours[0])
    assert opened.status_code == 201, opened.text
    assert opened.json()["proposal_id"] == ours[0]
    assert opened.json()["content"]["title"] == "Forslag 0"  # from the proposal, not re-typed

    again = await open_second(intake, second["id"], ours[0])
    assert again.status_code == 409
    assert again.json()["type"] == "urn:nic:problem:proposal-already-followed"
    for proposal, rule in ((ours[1], "recommended"), (ours[2], "recommended")):  # reserve; closed
        refused = await open_second(intake, second["id"], proposal)
        assert refused.status_code == 422
        assert refused.json()["type"] == "urn:nic:problem:proposal-not-recommended"
        assert refused.json()["errors"][0] == {
            "pointer": "#/proposal_id",
            "rule": rule,
            "detail": refused.json()["detail"],
        }
    missing = await open_second(intake, second["id"], None)
    assert missing.json()["errors"][0]["rule"] == "proposal-required"
    anothers = await open_second(intake, second["id"], ours[0], org=OTHER_ORG)
    assert anothers.json()["errors"][0]["rule"] == "proposal-of-first-stage"
    plain = await open_call(
        intake.client, opens_local="2026-12-16T09:00:00", deadline_local="2027-03-01T16:00:00"
    )
    stray = await open_second(intake, plain["id"], ours[0])
    assert stray.json()["errors"][0]["rule"] == "no-first-stage"
    assert (
        await scalar(
            intake.database_url, "SELECT count(*) FROM applications WHERE proposal_id IS NOT NULL"
        )
        == 1
    )

    # the second stage's own deadline, through the ordinary submit
    intake.clock.now = datetime(2027, 2, 1, 15, tzinfo=UTC)
    late = await submit(intake.client, opened.json()["id"])
    assert late.status_code == 409
    assert late.json()["type"] == "urn:nic:problem:deadline-passed"


async def test_a_second_stage_follows_a_call_with_a_cluster_stage_and_ends_after_it(intake):
    first, _, _ = await setting_up(intake, 0)
    early = await second_stage(intake, first["id"], deadline="2026-12-15T12:00:00")
    assert early.status_code == 422
    assert early.json()["errors"][0]["pointer"] == "#/deadline_local"
    assert early.json()["errors"][0]["rule"] == "after-first-stage"
    circular = await open_call(intake.client)
    wrong = await second_stage(intake, circular["id"])
    assert wrong.status_code == 422
    assert [(e["pointer"], e["rule"]) for e in wrong.json()["errors"]] == [
        ("#/follows_call_id", "follows-cluster-stage")
    ]
    unknown = await second_stage(intake, str(uuid.uuid4()))
    assert unknown.json()["errors"][0]["rule"] == "follows-cluster-stage"
