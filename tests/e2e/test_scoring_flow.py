"""Scoring end to end through the real broker: a call published in intake, applications
submitted there, EligibilityAssessed events on `nic.eligibility` (produced here, standing in
for the eligibility service, which needs the registry), a panel that assigns and reviews,
PanelScored, RankingPublished, and the recommendation on intake's status timeline."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_scoring.main import MIGRATIONS as SCORING_MIGRATIONS
from nic_scoring.main import create_app as scoring_app
from nic_scoring.settings import ScoringSettings
from nic_shared.events import CloudEvent, new_event
from nic_shared.events.eligibility import AssessedApplication, EligibilityAssessed, Outcome
from nic_shared.kafka import event_headers
from tests.intake.builders import CLUSTER_A, Clock, applicant, attach, draft, inno_content, submit
from tests.support.services import auth, serve, service_settings

OFFICER = auth("programme_officer")
CALL = {
    "code": "INNO-E2E",
    "scheme": "innovasjonsrammen",
    "title": {"nb": "Innovasjonsrammen", "en": "The innovation frame"},
    "description": {"nb": "Forprosjekter i klynger.", "en": "Pre-projects in clusters."},
    "opens_at_local": "2026-01-05T09:00:00",
    "deadline_local": "2026-12-15T16:00:00",
    "budget_frame_nok": 1_000_000,
}
MARKS = [(7, 7, 7, 7), (6, 5, 4, 7), (5, 5, 5, 5), (4, 4, 4, 4)]


async def eventually(check: Any, what: str, tries: int = 300) -> Any:
    for _ in range(tries):
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def get_json(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(path, headers=headers)
    return response.json() if response.status_code == 200 else None


async def produce_assessed(bootstrap: str, topic: str, events: list[EligibilityAssessed]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for payload in events:
            event = new_event(payload, source="/nic/eligibility")
            await producer.send_and_wait(
                topic,
                value=event.to_bytes(),
                key=str(payload.application_id).encode(),
                headers=event_headers(),
            )
    finally:
        await producer.stop()


async def scoring_events(bootstrap: str, topic: str, wanted: int) -> list[CloudEvent]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    seen: list[CloudEvent] = []
    try:
        async with asyncio.timeout(20):
            while len(seen) < wanted:
                batch = await consumer.getmany(timeout_ms=200)
                seen.extend(CloudEvent.from_bytes(r.value) for rs in batch.values() for r in rs)
    finally:
        await consumer.stop()
    return seen


async def forward_all(
    intake: httpx.AsyncClient, scoring: httpx.AsyncClient, clock: Any, call_id: str, apps: list[str]
) -> None:
    """Innovasjonsrammen: only what the cluster forwards reaches the panel (issue 14), so
    after the call's deadline the cluster forwards these, in this order."""
    clock.now = datetime(2026, 12, 16, 9, tzinfo=UTC)
    forwarded = await intake.post(
        f"/v1/calls/{call_id}/cluster-priority",
        json={"ranked": apps, "contact": {"name": "Kari", "email": "kari@klynge.example"}},
        headers=auth("cluster_manager", cluster=CLUSTER_A),
    )
    assert forwarded.status_code == 201, forwarded.text

    async def all_scorable() -> Any:
        listed = await get_json(scoring, f"/v1/calls/{call_id}/applications", OFFICER)
        return listed and {a["status"] for a in listed} == {"scorable"}

    await eventually(all_scorable, "scoring has the cluster's forwarding")


async def test_reviews_reach_a_ranking_and_intake_shows_the_recommendation(
    broker, new_database, topic_prefix, tmp_path
):
    async def settings(name: str, migrations: Any) -> dict[str, Any]:
        url = await new_database(name, migrations)
        return service_settings(broker.bootstrap, url, topic_prefix)

    intake_settings = await settings("intake", INTAKE_MIGRATIONS)
    intake_settings["data_dir"] = str(tmp_path / "intake")
    intake = intake_app(IntakeSettings(**intake_settings))
    intake.state.clock = Clock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    scoring = scoring_app(ScoringSettings(**await settings("scoring", SCORING_MIGRATIONS)))
    async with serve(intake) as i, serve(scoring) as s:
        created = await i.client.post("/v1/calls", json=CALL, headers=OFFICER)
        call_id = created.json()["id"]
        assert (await i.client.post(f"/v1/calls/{call_id}/publish", headers=OFFICER)).is_success

        apps = []
        for n in range(4):
            content = inno_content(CLUSTER_A) | {"title": f"Forprosjekt {n}"}
            app = await draft(i.client, call_id, content)
            assert (await attach(i.client, app["id"], "project_description")).status_code == 201
            assert (await submit(i.client, app["id"])).status_code == 201, app
            apps.append(app["id"])

        await produce_assessed(
            broker.bootstrap,
            topic_prefix + "nic.eligibility",
            [
                EligibilityAssessed(
                    assessment_id=uuid.uuid4(),
                    application_id=uuid.UUID(app_id),
                    call_id=uuid.UUID(call_id),
                    version=1,
                    outcome=Outcome.ELIGIBLE,
                    rule_results=[],
                    assessed_at=datetime(2026, 12, 16, 9, tzinfo=UTC),
                    application=AssessedApplication(
                        title=f"Forprosjekt {n}",
                        applicant_org_number="910000004",
                        partner_org_numbers=["910000012"],
                        cluster_id=uuid.UUID(CLUSTER_A),
                        requested_amount_nok=300_000,
                        submitted_at=datetime(2026, 3, 1, 12, n, tzinfo=UTC),
                    ),
                )
                for n, app_id in enumerate(apps)
            ],
        )

        async def scorable() -> Any:
            # The scheme (CallPublished, on intake's topic) and the applications (on
            # eligibility's) arrive in no fixed order: a panel needs the scheme.
            scheme = await get_json(s.client, f"/v1/calls/{call_id}/scoring-scheme", OFFICER)
            listed = await get_json(s.client, f"/v1/calls/{call_id}/applications", OFFICER)
            return listed if scheme and listed and len(listed) == 4 else None

        await eventually(scorable, "scoring knows the scheme and the four eligible applications")

        await forward_all(i.client, s.client, intake.state.clock, call_id, apps)

        panel = await s.client.post(
            "/v1/panels",
            json={"call_id": call_id, "name": "Panel", "reviewers_per_application": 2},
            headers=OFFICER,
        )
        assert panel.status_code == 201, panel.text
        panel_id = panel.json()["id"]
        members = []
        for name, body in [
            ("Tied to the cluster", {"cluster_ids": [CLUSTER_A]}),
            ("A", {}),
            ("B", {}),
        ]:
            added = await s.client.post(
                f"/v1/panels/{panel_id}/members", json={"name": name, **body}, headers=OFFICER
            )
            members.append(added.json()["member_id"])
        plan = await s.client.post(f"/v1/panels/{panel_id}/auto-assign", json={}, headers=OFFICER)
        assert plan.json()["shortfalls"] == []
        assert members[0] not in {a["member_id"] for a in plan.json()["created"]}

        criteria = ["strategy_anchoring", "novelty", "sustainability", "ability_to_deliver"]
        for member in members[1:]:
            headers = auth("panel_member", panel_member=member)
            mine = (await s.client.get("/v1/assignments/mine", headers=headers)).json()
            assert len(mine) == 4
            for assigned in mine:
                four = MARKS[apps.index(assigned["application_id"])]
                body = {
                    "marks": [
                        {"criterion_id": c, "mark": m} for c, m in zip(criteria, four, strict=True)
                    ]
                }
                url = f"/v1/applications/{assigned['application_id']}/reviews/mine/submit"
                done = await s.client.post(url, json=body, headers=headers)
                assert done.status_code == 200, done.text

        ranking = await s.client.post(f"/v1/calls/{call_id}/rankings", json={}, headers=OFFICER)
        assert ranking.status_code == 201, ranking.text
        assert [e["outcome"] for e in ranking.json()["entries"]] == [
            "recommended",
            "recommended",
            "recommended",
            "reserve",
        ]

        events = await scoring_events(broker.bootstrap, topic_prefix + "nic.scoring", 8 + 4 + 1 + 4)
        by_type: dict[str, list[CloudEvent]] = {}
        for event in events:
            by_type.setdefault(event.type, []).append(event)
        scored = {e.data["application_id"]: e.data for e in by_type["no.nic.panel.scored.v1"]}
        assert Decimal(scored[apps[1]]["weighted_total"]) == Decimal("5.45")
        [published] = by_type["no.nic.ranking.published.v1"]
        assert [e["application_id"] for e in published.data["entries"]] == apps
        assert len(by_type["no.nic.funding.recommended.v1"]) == 4

        async def recommended(app_id: str, outcome: str) -> Any:
            status = await get_json(i.client, f"/v1/applications/{app_id}/status", applicant())
            kinds = {(t["kind"], t["outcome"]) for t in (status or {}).get("timeline", [])}
            return ("funding_recommended", outcome) in kinds and ("panel_scored", "scored") in kinds

        await eventually(lambda: recommended(apps[0], "recommended"), "intake shows it", 400)
        await eventually(lambda: recommended(apps[3], "reserve"), "intake shows the reserve", 400)
