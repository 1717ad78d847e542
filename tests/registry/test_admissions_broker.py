"""Through the real broker: FundingDecided on nic.intake -> the cluster's period in the
registry, with the decision's id; duplicates and repeated versions add nothing; an overlap,
an unknown cluster or a decision naming no cluster is dead-lettered with the reason."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from nic_registry.main import MIGRATIONS, create_app
from nic_registry.settings import RegistrySettings
from nic_shared.events.intake import AdmissionKind, DecisionOutcome, FundingDecided
from nic_shared.events.specs import Scheme
from tests.eligibility.stand_in import produce
from tests.registry.builders import new_cluster, officer, outbox_events, scalar
from tests.shared.harness import wait_until
from tests.support.services import serve, service_settings


def decided(
    cluster_id: Any,
    admission: AdmissionKind | None,
    *,
    start: date | None = date(2025, 1, 1),
    version: int = 1,
    decision_id: uuid.UUID | None = None,
    outcome: DecisionOutcome = DecisionOutcome.GRANTED,
    amount: int = 2_000_000,
) -> FundingDecided:
    return FundingDecided(
        decision_id=decision_id or uuid.uuid4(),
        decision_version=version,
        application_id=uuid.uuid4(),
        call_id=uuid.UUID(int=7),
        scheme=next(iter(Scheme)),
        applicant_org_number="974760673",
        cluster_id=uuid.UUID(str(cluster_id)) if cluster_id else None,
        outcome=outcome,
        amount_nok=amount,
        admission=admission,
        period_start=start,
        decided_at=datetime(2024, 12, 10, 12, tzinfo=UTC),
    )


def registry_app(broker: Any, url: str, prefix: str) -> Any:
    settings = service_settings(broker.bootstrap, url, prefix)
    settings.update(consumer_max_attempts=2, consumer_backoff_initial_s=0.05)
    return create_app(RegistrySettings(**settings))


async def periods(client: Any, cluster_id: str) -> list[dict[str, Any]]:
    body = (await client.get(f"/v1/clusters/{cluster_id}", headers=officer())).json()
    return [*body["levels"], *body["nce"], *body["mature"]]


async def dead_letters(client: Any) -> list[dict[str, Any]]:
    got = await client.get("/v1/ops/dead-letters", headers=officer())
    assert got.status_code == 200, got.text
    return list(got.json()["items"])


async def test_granted_admissions_become_periods_once_and_overlaps_are_dead_lettered(
    broker, new_database, topic_prefix
):
    url = await new_database("registry", MIGRATIONS)
    topic = f"{topic_prefix}nic.intake"
    async with serve(registry_app(broker, url, topic_prefix)) as service:
        client = service.client
        arena = await new_cluster(client, "Arena Tre")
        pro = await new_cluster(client, "Pro Fem")
        mature = await new_cluster(client, "Moden")
        first = decided(arena["id"], AdmissionKind.ARENA)
        again = first.model_copy()  # same decision and version, a new event id
        to_pro = decided(pro["id"], AdmissionKind.ARENA_PRO, start=date(2024, 7, 1))
        qualify = decided(mature["id"], AdmissionKind.MATURE_QUALIFICATION, start=None)
        rejected = decided(arena["id"], AdmissionKind.GCE, outcome=DecisionOutcome.REJECTED)
        await produce(broker.bootstrap, topic, first, again, to_pro, qualify, rejected)

        async def all_arrived() -> bool:
            return await scalar(url, "SELECT count(*) FROM inbox") == 5

        await wait_until(all_arrived, timeout_s=60)

        arena_periods = await periods(client, arena["id"])
        assert [(p["level"], p["valid_from"], p["valid_to"]) for p in arena_periods] == [
            ("arena", "2025-01-01", "2027-12-31")  # Arena: three years
        ]
        assert arena_periods[0]["decision_id"] == str(first.decision_id)
        assert [
            (p["level"], p["valid_from"], p["valid_to"]) for p in await periods(client, pro["id"])
        ] == [("arena_pro", "2024-07-01", "2029-06-30")]  # Arena Pro: five years
        # No period_start: from the decision's date (Oslo), for one year.
        assert [
            (p["kind"], p["valid_from"], p["valid_to"]) for p in await periods(client, mature["id"])
        ] == [("mature", "2024-12-10", "2025-12-09")]
        levels = await outbox_events(url, "no.nic.cluster.level_changed.v1")
        assert len(levels) == 2
        granted = await scalar(url, "SELECT sum(amount_nok) FROM granted_decisions")
        assert granted == 6_000_000  # three granted decisions; the rejected one is not kept

        overlap = decided(arena["id"], AdmissionKind.ARENA_PRO, start=date(2027, 1, 1))
        stranger = decided(uuid.uuid4(), AdmissionKind.ARENA)
        nobody = decided(None, AdmissionKind.GCE)
        await produce(broker.bootstrap, topic, overlap, stranger, nobody)

        async def three_dead() -> bool:
            return len(await dead_letters(client)) == 3

        await wait_until(three_dead, timeout_s=60)
        errors = {d["key"]: d for d in await dead_letters(client)}
        refused = errors[str(overlap.application_id)]
        assert refused["error_type"] == "Poison"
        assert "refused" in refused["error"]
        assert "overlaps" in refused["error"]
        assert str(overlap.decision_id) in refused["error"]
        assert "no cluster" in errors[str(stranger.application_id)]["error"]
        assert "names no cluster_id" in errors[str(nobody.application_id)]["error"]
        assert len(await periods(client, arena["id"])) == 1  # nothing merged, nothing added


async def test_a_newer_decision_version_re_dates_its_period_and_an_older_one_is_ignored(
    broker, new_database, topic_prefix
):
    url = await new_database("registry", MIGRATIONS)
    topic = f"{topic_prefix}nic.intake"
    async with serve(registry_app(broker, url, topic_prefix)) as service:
        client = service.client
        cluster = await new_cluster(client, "Versjoner")
        decision = uuid.uuid4()
        v1 = decided(cluster["id"], AdmissionKind.ARENA, decision_id=decision)
        v2 = decided(
            cluster["id"],
            AdmissionKind.ARENA,
            decision_id=decision,
            version=2,
            start=date(2025, 3, 1),
        )
        v2 = v2.model_copy(update={"application_id": v1.application_id})
        stale = v1.model_copy()
        await produce(broker.bootstrap, topic, v1, v2, stale)

        async def all_arrived() -> bool:
            return await scalar(url, "SELECT count(*) FROM inbox") == 3

        await wait_until(all_arrived, timeout_s=60)
        got = await periods(client, cluster["id"])
        assert [(p["valid_from"], p["valid_to"], p["decision_id"]) for p in got] == [
            ("2025-03-01", "2028-02-29", str(decision))
        ]
        assert await scalar(url, "SELECT decision_version FROM granted_decisions") == 2
