"""The backbone end to end: a call published in intake becomes readable in eligibility and
scoring, through the real broker, each service on its own database and real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from nic_eligibility.main import MIGRATIONS as ELIGIBILITY_MIGRATIONS
from nic_eligibility.main import create_app as eligibility_app
from nic_eligibility.settings import EligibilitySettings
from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_intake.main import create_app as intake_app
from nic_intake.settings import IntakeSettings
from nic_scoring.main import MIGRATIONS as SCORING_MIGRATIONS
from nic_scoring.main import create_app as scoring_app
from nic_scoring.settings import ScoringSettings
from tests.support.services import auth, serve, service_settings

CALL = {
    "code": "INNO-2026",
    "scheme": "innovasjonsrammen",
    "title": {"nb": "Innovasjonsrammen 2026", "en": "The innovation frame 2026"},
    "description": {"nb": "Forprosjekter i klynger.", "en": "Pre-projects in clusters."},
    "opens_at_local": "2026-01-05T09:00:00",
    "deadline_local": "2026-12-15T16:00:00",
    "budget_frame_nok": 1_000_000,
}


async def eventually(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    for _ in range(200):
        response = await client.get(path, headers=headers)
        if response.status_code == 200:
            return response.json()
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never answered 200 (last: {response.status_code})")


async def test_published_call_is_readable_in_eligibility_and_scoring(
    broker, new_database, topic_prefix
):
    async def settings(name: str, migrations) -> dict[str, Any]:
        url = await new_database(name, migrations)
        return service_settings(broker.bootstrap, url, topic_prefix)

    intake = intake_app(IntakeSettings(**await settings("intake", INTAKE_MIGRATIONS)))
    eligibility = eligibility_app(
        EligibilitySettings(**await settings("eligibility", ELIGIBILITY_MIGRATIONS))
    )
    scoring = scoring_app(ScoringSettings(**await settings("scoring", SCORING_MIGRATIONS)))
    officer = auth("programme_officer")
    async with serve(intake) as i, serve(eligibility) as e, serve(scoring) as s:
        created = await i.client.post("/v1/calls", json=CALL, headers=officer)
        assert created.status_code == 201, created.text
        call_id = created.json()["id"]
        published = await i.client.post(f"/v1/calls/{call_id}/publish", headers=officer)
        assert published.status_code == 200, published.text

        rule_set = await eventually(e.client, f"/v1/calls/{call_id}/rule-set", officer)
        scheme = await eventually(s.client, f"/v1/calls/{call_id}/scoring-scheme", officer)

    assert rule_set["rule_set"]["name"] == "innovasjonsrammen"
    assert rule_set["rule_set"]["parameters"]["max_grant_nok"] == 300_000
    weights = {c["id"]: c["weight"] for c in scheme["scoring_scheme"]["criteria"]}
    assert weights == {
        "strategy_anchoring": 25,
        "novelty": 35,
        "sustainability": 20,
        "ability_to_deliver": 20,
    }
    assert scheme["budget_frame_nok"] == 1_000_000
