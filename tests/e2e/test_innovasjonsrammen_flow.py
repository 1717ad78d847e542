"""Innovasjonsrammen end to end through the real broker (issue 14 item 1): five proposals
to one cluster; the cluster marks three in scoring; after the call's deadline it forwards
three in its own order; scoring makes only those scorable (the other two closed) and shows
the panel the cluster's order and marks; intake shows the closed ones to their applicants
and mails the manager through a real SMTP server; the panel ranks; the manager is mailed
the outcome; the recommended proposal opens the formal application in the second stage.
A second cluster never forwards: once its deadline has passed, intake's sweep closes its two
proposals and scoring shows them not_forwarded too."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_scoring.main import MIGRATIONS as SCORING_MIGRATIONS
from nic_scoring.main import create_app as scoring_app
from nic_scoring.settings import ScoringSettings
from nic_shared.events.eligibility import AssessedApplication, EligibilityAssessed, Outcome
from tests.e2e.test_scoring_flow import eventually, get_json, produce_assessed
from tests.intake.builders import (
    CLUSTER_A,
    CLUSTER_B,
    Clock,
    applicant,
    attach,
    draft,
    inno_content,
    submit,
)
from tests.support.services import auth, serve, service_settings
from tests.support.smtp import smtp_server

OFFICER = auth("programme_officer")
MANAGER = auth("cluster_manager", cluster=CLUSTER_A)
CALL = {
    "code": "INNO-FWD",
    "scheme": "innovasjonsrammen",
    "title": {"nb": "Innovasjonsrammen", "en": "The innovation frame"},
    "description": {"nb": "Forprosjekter i klynger.", "en": "Pre-projects in clusters."},
    "opens_at_local": "2026-01-05T09:00:00",
    "deadline_local": "2026-12-15T16:00:00",
    "cluster_deadline_local": "2027-01-08T12:00:00",
    "budget_frame_nok": 300_000,
}
CRITERIA = ["strategy_anchoring", "novelty", "sustainability", "ability_to_deliver"]


def marks(*four: int) -> list[dict[str, Any]]:
    return [{"criterion_id": c, "mark": m} for c, m in zip(CRITERIA, four, strict=True)]


def assessed(call_id: str, app_id: str, n: int, cluster: str = CLUSTER_A) -> EligibilityAssessed:
    return EligibilityAssessed(
        assessment_id=uuid.uuid4(),
        application_id=uuid.UUID(app_id),
        call_id=uuid.UUID(call_id),
        version=1,
        outcome=Outcome.ELIGIBLE,
        rule_results=[],
        assessed_at=datetime(2026, 12, 16, 9, tzinfo=UTC),
        application=AssessedApplication(
            title=f"Forslag {n}",
            applicant_org_number="910000004",
            partner_org_numbers=["910000012"],
            cluster_id=uuid.UUID(cluster),
            requested_amount_nok=300_000,
            submitted_at=datetime(2026, 3, 1, 12, n, tzinfo=UTC),
        ),
    )


async def test_only_what_the_cluster_forwarded_reaches_the_panel_and_everyone_is_told(
    broker, new_database, topic_prefix, tmp_path
):
    with smtp_server() as (inbox, port):
        intake_settings = service_settings(
            broker.bootstrap, await new_database("intake", INTAKE_MIGRATIONS), topic_prefix
        )
        intake_settings.update(
            data_dir=str(tmp_path / "intake"),
            mail_transport="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            mail_poll_interval_s=0.05,
            cluster_sweep_poll_interval_s=0.1,
        )
        intake = intake_app(IntakeSettings(**intake_settings))
        clock = Clock(datetime(2026, 3, 1, 12, tzinfo=UTC))
        intake.state.clock = clock
        scoring = scoring_app(
            ScoringSettings(
                **service_settings(
                    broker.bootstrap,
                    await new_database("scoring", SCORING_MIGRATIONS),
                    topic_prefix,
                )
            )
        )
        async with serve(intake) as i, serve(scoring) as s:
            created = await i.client.post("/v1/calls", json=CALL, headers=OFFICER)
            assert created.status_code == 201, created.text
            call_id = created.json()["id"]
            assert (await i.client.post(f"/v1/calls/{call_id}/publish", headers=OFFICER)).is_success

            apps = []
            for n in range(5):
                app = await draft(
                    i.client, call_id, inno_content(CLUSTER_A) | {"title": f"Forslag {n}"}
                )
                assert (await attach(i.client, app["id"], "project_description")).status_code == 201
                assert (await submit(i.client, app["id"])).status_code == 201
                apps.append(app["id"])
            silent = []  # the second cluster's, never forwarded
            for n in range(5, 7):
                app = await draft(
                    i.client, call_id, inno_content(CLUSTER_B) | {"title": f"Forslag {n}"}
                )
                assert (await attach(i.client, app["id"], "project_description")).status_code == 201
                assert (await submit(i.client, app["id"])).status_code == 201
                silent.append(app["id"])
            await produce_assessed(
                broker.bootstrap,
                topic_prefix + "nic.eligibility",
                [assessed(call_id, a, n) for n, a in enumerate(apps)]
                + [assessed(call_id, a, n, CLUSTER_B) for n, a in enumerate(silent, start=5)],
            )

            async def statuses() -> dict[str, str] | None:
                listed = await get_json(s.client, f"/v1/calls/{call_id}/applications", OFFICER)
                return {a["application_id"]: a["status"] for a in listed or []} or None

            async def all_waiting() -> Any:
                found = await statuses()
                return (
                    found
                    if found and len(found) == 7 and set(found.values()) == {"awaiting_cluster"}
                    else None
                )

            await eventually(all_waiting, "scoring holds all seven back for the clusters", 400)

            # stage 4: the cluster marks its proposals once, in scoring
            for app, four in (
                (apps[3], (7, 7, 6, 6)),
                (apps[1], (6, 5, 4, 7)),
                (apps[0], (4, 4, 4, 4)),
            ):
                entered = await s.client.put(
                    f"/v1/calls/{call_id}/cluster-proposals/{app}",
                    json={"marks": marks(*four)},
                    headers=MANAGER,
                )
                assert entered.status_code == 204, entered.text

            # stage 5, after the call's deadline: the cluster's own order
            clock.now = datetime(2026, 12, 20, 10, tzinfo=UTC)
            ranked = [apps[3], apps[1], apps[0]]
            sent = await i.client.post(
                f"/v1/calls/{call_id}/cluster-priority",
                json={
                    "ranked": ranked,
                    "contact": {"name": "Kari Klynge", "email": "kari@klynge.example"},
                },
                headers=MANAGER,
            )
            assert sent.status_code == 201, sent.text

            async def gated() -> Any:
                found = await statuses()
                return found if found and found.get(apps[2]) == "not_forwarded" else None

            found = await eventually(gated, "scoring applied the forwarding", 400)
            assert found == {
                apps[0]: "scorable",
                apps[1]: "scorable",
                apps[2]: "not_forwarded",
                apps[3]: "scorable",
                apps[4]: "not_forwarded",
                silent[0]: "awaiting_cluster",
                silent[1]: "awaiting_cluster",
            }

            panel = await s.client.post(
                "/v1/panels",
                json={"call_id": call_id, "name": "Panel", "reviewers_per_application": 1},
                headers=OFFICER,
            )
            assert panel.status_code == 201, panel.text
            member = (
                await s.client.post(
                    f"/v1/panels/{panel.json()['id']}/members", json={"name": "A"}, headers=OFFICER
                )
            ).json()["member_id"]
            reviewer = auth("panel_member", panel_member=member)
            seen = await s.client.get(
                f"/v1/calls/{call_id}/cluster-proposals/forwarded", headers=reviewer
            )
            assert seen.status_code == 200, seen.text
            [cluster] = seen.json()["clusters"]
            assert [p["application_id"] for p in cluster["proposals"]] == ranked
            assert [Decimal(p["weighted_total"]) for p in cluster["proposals"]] == [
                Decimal("6.6"),
                Decimal("5.45"),
                Decimal("4"),
            ]

            plan = await s.client.post(
                f"/v1/panels/{panel.json()['id']}/auto-assign", json={}, headers=OFFICER
            )
            assert {a["application_id"] for a in plan.json()["created"]} == set(ranked)
            for app, four in zip(ranked, [(7, 7, 7, 7), (5, 5, 5, 5), (4, 4, 4, 4)], strict=True):
                done = await s.client.post(
                    f"/v1/applications/{app}/reviews/mine/submit",
                    json={"marks": marks(*four)},
                    headers=reviewer,
                )
                assert done.status_code == 200, done.text

            # the applicants of the closed ones see it
            for closed in (apps[2], apps[4]):
                status = await get_json(i.client, f"/v1/applications/{closed}/status", applicant())
                assert (status["status"], status["stage"]) == ("closed", "not_forwarded")

            ranking = await s.client.post(f"/v1/calls/{call_id}/rankings", json={}, headers=OFFICER)
            assert ranking.status_code == 201, ranking.text
            assert [e["application_id"] for e in ranking.json()["entries"]] == ranked

            def mails_to_manager() -> list[Any]:
                return [m for to, m in inbox.messages if "kari@klynge.example" in to]

            async def two_mails() -> Any:
                return len(mails_to_manager()) >= 2 or None

            await eventually(two_mails, "the manager got the forwarding and the outcome", 400)
            received, outcome = mails_to_manager()
            assert "Klyngens prioritering mottatt" in str(received["Subject"])
            text = received.get_payload(decode=True).decode()
            assert (
                text.index("1. Forslag 3") < text.index("2. Forslag 1") < text.index("3. Forslag 0")
            )
            body = outcome.get_payload(decode=True).decode()
            assert f"Forslag 3 ({apps[3]}): anbefalt" in body

            # steps 7-8: the recommended proposal opens the formal application
            stage_two = {k: v for k, v in CALL.items() if k != "cluster_deadline_local"} | {
                "code": "INNO-FWD-2",
                "opens_at_local": "2027-01-09T09:00:00",
                "deadline_local": "2027-02-15T16:00:00",
                "follows_call_id": call_id,
            }
            second = await i.client.post("/v1/calls", json=stage_two, headers=OFFICER)
            assert second.status_code == 201, second.text
            second_id = second.json()["id"]
            assert (
                await i.client.post(f"/v1/calls/{second_id}/publish", headers=OFFICER)
            ).is_success
            clock.now = datetime(2027, 1, 10, 10, tzinfo=UTC)  # both clusters' deadline passed

            async def swept() -> Any:
                found = await statuses()
                closed = found and {found.get(a) for a in silent} == {"not_forwarded"}
                return found if closed else None

            found = await eventually(swept, "scoring applied the sweep's lapse", 400)
            assert found[apps[3]] == "scorable"  # the forwarded ones stay as they were
            for closed in silent:
                status = await get_json(i.client, f"/v1/applications/{closed}/status", applicant())
                assert (status["status"], status["stage"]) == ("closed", "not_forwarded")

            async def formal() -> Any:
                opened = await i.client.post(
                    "/v1/applications",
                    json={"call_id": second_id, "proposal_id": apps[3]},
                    headers=applicant(),
                )
                return opened if opened.status_code == 201 else None

            opened = await eventually(formal, "intake knows the recommendation", 400)
            assert opened.json()["content"]["title"] == "Forslag 3"
            refused = await i.client.post(
                "/v1/applications",
                json={"call_id": second_id, "proposal_id": apps[0]},
                headers=applicant(),
            )
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["rule"] == "recommended"
