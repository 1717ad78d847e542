"""From ranking to decision end to end through the real broker: a call in intake, four
applications, a panel in scoring that ranks them (three recommended, one reserve),
RankingPublished and FundingRecommended consumed by intake, decisions drafted and approved by
two officers, letters with their PDFs received by a real SMTP server, FundingDecided on
`nic.intake`, one acceptance and one decline, and the reserve promoted."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pypdf
from aiokafka import AIOKafkaConsumer

from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_scoring.main import MIGRATIONS as SCORING_MIGRATIONS
from nic_scoring.main import create_app as scoring_app
from nic_scoring.settings import ScoringSettings
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import AssessedApplication, EligibilityAssessed, Outcome
from tests.e2e.test_scoring_flow import (
    CALL,
    MARKS,
    eventually,
    forward_all,
    get_json,
    produce_assessed,
)
from tests.intake.builders import CLUSTER_A, Clock, applicant, attach, draft, inno_content, submit
from tests.support.services import auth, serve, service_settings
from tests.support.smtp import smtp_server

FIRST = auth("programme_officer", subject="officer-one")
SECOND = auth("programme_officer", subject="officer-two")
CRITERIA = ["strategy_anchoring", "novelty", "sustainability", "ability_to_deliver"]


async def decided_events(bootstrap: str, topic: str, wanted: int) -> list[CloudEvent]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    seen: list[CloudEvent] = []
    try:
        async with asyncio.timeout(30):
            while len(seen) < wanted:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for record in records:
                        event = CloudEvent.from_bytes(record.value)
                        if event.type == "no.nic.funding.decided.v1":
                            seen.append(event)
    finally:
        await consumer.stop()
    return seen


async def rank_in_scoring(s: Any, call_id: str, apps: list[str]) -> None:
    panel = await s.client.post(
        "/v1/panels",
        json={"call_id": call_id, "name": "Panel", "reviewers_per_application": 2},
        headers=FIRST,
    )
    assert panel.status_code == 201, panel.text
    members = []
    for name in ("A", "B"):
        added = await s.client.post(
            f"/v1/panels/{panel.json()['id']}/members", json={"name": name}, headers=FIRST
        )
        members.append(added.json()["member_id"])
    plan = await s.client.post(
        f"/v1/panels/{panel.json()['id']}/auto-assign", json={}, headers=FIRST
    )
    assert plan.json()["shortfalls"] == []
    for member in members:
        headers = auth("panel_member", panel_member=member)
        for assigned in (await s.client.get("/v1/assignments/mine", headers=headers)).json():
            four = MARKS[apps.index(assigned["application_id"])]
            body = {
                "marks": [
                    {"criterion_id": c, "mark": m} for c, m in zip(CRITERIA, four, strict=True)
                ]
            }
            url = f"/v1/applications/{assigned['application_id']}/reviews/mine/submit"
            assert (await s.client.post(url, json=body, headers=headers)).status_code == 200
    ranking = await s.client.post(f"/v1/calls/{call_id}/rankings", json={}, headers=FIRST)
    assert ranking.status_code == 201, ranking.text


async def test_ranking_to_decisions_letters_answers_and_a_promoted_reserve(
    broker, new_database, topic_prefix, tmp_path
):
    async def settings(name: str, migrations: Any) -> dict[str, Any]:
        url = await new_database(name, migrations)
        return service_settings(broker.bootstrap, url, topic_prefix)

    with smtp_server() as (inbox, port):
        intake_settings = await settings("intake", INTAKE_MIGRATIONS)
        intake_settings |= {
            "data_dir": str(tmp_path / "intake"),
            "mail_transport": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "mail_poll_interval_s": 0.05,
        }
        intake = intake_app(IntakeSettings(**intake_settings))
        clock = Clock(datetime(2026, 3, 1, 12, tzinfo=UTC))
        intake.state.clock = clock
        scoring = scoring_app(ScoringSettings(**await settings("scoring", SCORING_MIGRATIONS)))
        async with serve(intake) as i, serve(scoring) as s:
            created = await i.client.post("/v1/calls", json=CALL, headers=FIRST)
            call_id = created.json()["id"]
            assert (await i.client.post(f"/v1/calls/{call_id}/publish", headers=FIRST)).is_success
            apps = []
            for n in range(4):
                content = inno_content(CLUSTER_A) | {"title": f"Forprosjekt {n}"}
                app = await draft(i.client, call_id, content)
                assert (await attach(i.client, app["id"], "project_description")).status_code == 201
                assert (await submit(i.client, app["id"])).status_code == 201
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
                scheme = await get_json(s.client, f"/v1/calls/{call_id}/scoring-scheme", FIRST)
                listed = await get_json(s.client, f"/v1/calls/{call_id}/applications", FIRST)
                return listed if scheme and listed and len(listed) == 4 else None

            await eventually(scorable, "scoring knows the scheme and the applications")
            await forward_all(i.client, s.client, clock, call_id, apps)
            await rank_in_scoring(s, call_id, apps)
            clock.now = datetime(2027, 1, 10, 9, tzinfo=UTC)

            async def drafted() -> Any:
                # intake has the ranking once RankingPublished and all four recommendations are in
                r = await i.client.post(f"/v1/calls/{call_id}/decisions", headers=FIRST)
                if r.status_code != 201:
                    return None
                listed = await get_json(i.client, f"/v1/calls/{call_id}/decisions", FIRST)
                return listed if listed and len(listed["items"]) == 4 else None

            listed = await eventually(drafted, "intake drafts from the consumed ranking", 400)
            assert [d["outcome"] for d in listed["items"]] == [
                "granted",
                "granted",
                "granted",
                "reserve",
            ]
            approved = await i.client.post(f"/v1/calls/{call_id}/decisions/approve", headers=SECOND)
            assert approved.status_code == 200, approved.text

            async def letters() -> Any:
                got = [m for _, m in inbox.messages if m.is_multipart()]
                return got if len(got) == 4 else None

            mailed = await eventually(letters, "four letters in the SMTP server", 400)
            for message in mailed:
                [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
                text = pypdf.PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0]
                assert "Klageadgang" in text.extract_text()

            ranked = [d["application_id"] for d in listed["items"]]
            accepted = await i.client.post(
                f"/v1/applications/{ranked[0]}/decision/accept", headers=applicant()
            )
            assert accepted.status_code == 200, accepted.text
            declined = await i.client.post(
                f"/v1/applications/{ranked[1]}/decision/decline", headers=applicant()
            )
            assert declined.status_code == 200, declined.text
            promoted = await get_json(
                i.client, f"/v1/applications/{ranked[3]}/decision", applicant()
            )
            assert (promoted["version"], promoted["outcome"], promoted["amount_nok"]) == (
                2,
                "granted",
                300_000,
            )
            await eventually(lambda: letters_for(inbox, 5), "the promoted reserve's letter", 400)

            events = await decided_events(broker.bootstrap, topic_prefix + "nic.intake", 5)
            latest = {}
            for event in events:
                data = event.data
                if data["decision_version"] >= latest.get(data["application_id"], {}).get(
                    "decision_version", 0
                ):
                    latest[data["application_id"]] = data
            assert latest[ranked[3]]["outcome"] == "granted"
            assert latest[ranked[3]]["decision_version"] == 2


async def letters_for(inbox: Any, wanted: int) -> bool:
    return len([m for _, m in inbox.messages if m.is_multipart()]) >= wanted
