"""Through the real broker, with a real HTTP stand-in for the registry's facts endpoint:
ApplicationSubmitted on nic.intake -> assessed -> EligibilityAssessed on nic.eligibility.
While the facts server is down no decision appears; once it is up the decision does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from nic_eligibility.main import MIGRATIONS, create_app
from nic_shared.events.eligibility import EligibilityAssessed
from tests.eligibility.conftest import eligibility_settings
from tests.eligibility.stand_in import (
    ORG,
    FactsStandIn,
    TopicReader,
    call_published,
    innovasjonsrammen_content,
    produce,
    submitted,
    withdrawn,
)
from tests.shared.harness import wait_until
from tests.support.services import auth, serve

OFFICER = auth("programme_officer")


async def retries(client) -> float:
    text = (await client.get("/metrics")).text
    lines = [
        line
        for line in text.splitlines()
        if line.startswith("nic_consumer_retries_total") and EligibilityAssessed.TYPE not in line
    ]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


async def test_submitted_is_assessed_through_the_broker_only_once_the_registry_answers(
    broker, new_database, topic_prefix
):
    facts = FactsStandIn()  # not started: the registry is down
    url = await new_database("eligibility", MIGRATIONS)
    app = create_app(eligibility_settings(broker.bootstrap, url, topic_prefix, facts.url))
    async with serve(app) as service:
        call = call_published()
        submission = submitted(call.call_id, innovasjonsrammen_content())
        # Intake publishes the call before any application of it; the submission may still
        # be consumed first (other key, other partition), and then waits for the call.
        await produce(broker.bootstrap, f"{topic_prefix}nic.intake", call, submission)
        path = f"/v1/applications/{submission.application_id}/assessment"
        async with TopicReader(broker.bootstrap, f"{topic_prefix}nic.eligibility") as reader:
            # It keeps asking (once its consumer has joined the group) and decides nothing.
            await wait_until(lambda: _at_least(retries(service.client), 2), timeout_s=30)
            await reader.poll()
            assert reader.of_type(EligibilityAssessed.TYPE) == []
            assert (await service.client.get(path, headers=OFFICER)).status_code == 404

            async with facts.running():
                events = await reader.wait_for(EligibilityAssessed.TYPE, timeout_s=30)
                assert facts.queries, "the decision was made on the registry's facts"

        assert len(events) == 1
        decided = EligibilityAssessed.model_validate(events[0].data)
        assert decided.application_id == submission.application_id
        assert decided.outcome.value == "eligible"
        assert decided.application.applicant_org_number == ORG[1]
        assert events[0].subject == str(submission.application_id)
        stored = await service.client.get(path, headers=OFFICER)
        assert stored.json()["id"] == str(decided.assessment_id)

        await produce(broker.bootstrap, f"{topic_prefix}nic.intake", withdrawn(submission))
        for _ in range(200):
            got = await service.client.get(path, headers=OFFICER)
            if got.json()["status"] == "closed":
                break
            await asyncio.sleep(0.05)
        assert got.json()["status"] == "closed"


async def _at_least(value: Awaitable[int], n: int) -> bool:
    return await value >= n
