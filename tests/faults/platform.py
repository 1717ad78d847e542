"""The platform under fault: registry, intake and eligibility as processes on one broker.

Each service runs as `python -m nic_<name> serve` (tests.support.processes.ServiceProcess),
so a test can stop it, SIGKILL it and start it again on the same port and database. The
checks read the services' own databases and the topics, not only their APIs.
"""

from __future__ import annotations

import asyncio
import random
import socket
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from nic_eligibility.main import MIGRATIONS as ELIGIBILITY_MIGRATIONS
from nic_intake.main import MIGRATIONS as INTAKE_MIGRATIONS
from nic_registry.main import MIGRATIONS as REGISTRY_MIGRATIONS
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import EligibilityAssessed
from tests.eligibility.stand_in import org_numbers
from tests.shared.harness import read_topic
from tests.support.ports import free_port
from tests.support.processes import ServiceProcess
from tests.support.services import auth, service_settings

OFFICER = auth("programme_officer")
FACILITATOR, OWNER, PARTNER = org_numbers(93_200_000, 3)
APPLICANT = auth("applicant", org=OWNER, subject=f"user-{OWNER}")

CALL = {
    "scheme": "innovasjonsrammen",
    "title": {"nb": "Innovasjonsrammen", "en": "The innovation frame"},
    "description": {"nb": "Forprosjekter i klynger.", "en": "Pre-projects in clusters."},
    "opens_at_local": "2026-01-05T09:00:00",
    "deadline_local": "2030-12-15T16:00:00",
    "budget_frame_nok": 1_000_000,
}


def _company(org_number: str, name: str) -> dict[str, Any]:
    return {
        "org_number": org_number,
        "name": name,
        "org_form_code": "AS",
        "sector_code": "2100",
        "registered_in_foretaksregisteret": True,
        "headcount_awu": 12,
        "turnover_nok": 18_000_000,
        "balance_sheet_nok": 9_000_000,
        "figures_year": 2025,
    }


def content(cluster_id: str, n: int) -> dict[str, Any]:
    return {
        "title": f"Sensorer for havbruk {n}",
        "summary": "To bedrifter modner en sensoridé.",
        "project_start": "2027-01-01",
        "project_end": "2027-12-31",
        "project_owner": OWNER,
        "cluster_id": cluster_id,
        "contact_person": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "partners": [
            {"org_number": OWNER, "name": "Eier AS", "role": "owner"},
            {"org_number": PARTNER, "name": "Partner AS", "role": "partner"},
        ],
        "budget": [
            {"category": "personnel", "year": 2027, "partner": OWNER, "amount_nok": 300_000},
            {"category": "personnel", "year": 2027, "partner": PARTNER, "amount_nok": 300_000},
        ],
        "requested_amount_nok": 300_000,
    }


def quiet_port() -> int:
    """A free port below the kernel's ephemeral range (32768+ here and by default), so no
    outgoing connection of the many these tests make can take it while a service is
    killed and restarted on it."""
    for _ in range(200):
        port = random.randrange(20_000, 32_000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return free_port()


def expect(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


@dataclass
class Platform:
    """Registry, intake and eligibility (one or more instances sharing one database)."""

    bootstrap: str
    prefix: str
    urls: dict[str, str]
    registry: ServiceProcess
    intake: ServiceProcess
    eligibility: list[ServiceProcess]
    logs: Path
    call_id: str = ""
    cluster_id: str = ""
    submitted: list[str] = field(default_factory=list)

    # -- building -------------------------------------------------------------------------

    @classmethod
    async def build(
        cls,
        *,
        bootstrap: str,
        new_database: Any,
        prefix: str,
        tmp_path: Path,
        eligibility_instances: int = 1,
        extra: dict[str, Any] | None = None,
    ) -> Platform:
        urls = {
            "registry": await new_database("registry", REGISTRY_MIGRATIONS),
            "intake": await new_database("intake", INTAKE_MIGRATIONS),
            "eligibility": await new_database("eligibility", ELIGIBILITY_MIGRATIONS),
        }
        logs = tmp_path / "logs"
        logs.mkdir(exist_ok=True)

        def settings(name: str) -> dict[str, Any]:
            values = service_settings(bootstrap, urls[name], prefix)
            values["port"] = quiet_port()
            values["log_level"] = "WARNING"
            values["relay_backoff_max_s"] = 1.0
            return values | dict(extra or {})

        registry = ServiceProcess("registry", settings("registry"), log=logs / "registry.log")
        intake = ServiceProcess(
            "intake",
            settings("intake") | {"data_dir": str(tmp_path / "intake")},
            log=logs / "intake.log",
        )
        eligibility = [
            ServiceProcess(
                "eligibility",
                settings("eligibility")
                | {
                    "registry_url": registry.url,
                    "registry_attempts": 2,
                    "registry_backoff_s": 0.05,
                    "registry_connect_timeout_s": 0.5,
                },
                log=logs / f"eligibility-{n}.log",
            )
            for n in range(eligibility_instances)
        ]
        return cls(bootstrap, prefix, urls, registry, intake, eligibility, logs)

    async def stop_all(self) -> None:
        await asyncio.gather(
            *(p.stop() for p in [self.registry, self.intake, *self.eligibility]),
            return_exceptions=True,
        )

    async def seed(self) -> None:
        """Registry data (a cluster at Arena level, its member) and a published call."""
        async with httpx.AsyncClient(base_url=self.registry.url, timeout=10) as r:
            for org, name in (
                (FACILITATOR, "Klyngen AS"),
                (OWNER, "Eier AS"),
                (PARTNER, "Partner AS"),
            ):
                expect(await r.post("/v1/organisations", json=_company(org, name), headers=OFFICER))
            cluster = expect(
                await r.post(
                    "/v1/clusters",
                    json={"name": "Arena Havrom", "facilitator_org_number": FACILITATOR},
                    headers=OFFICER,
                )
            )
            self.cluster_id = str(cluster["id"])
            expect(
                await r.post(
                    f"/v1/clusters/{self.cluster_id}/levels",
                    json={"level": "arena", "valid_from": "2020-01-01"},
                    headers=OFFICER,
                )
            )
            expect(
                await r.post(
                    f"/v1/clusters/{self.cluster_id}/members",
                    json={
                        "org_number": OWNER,
                        "name": "Eier AS",
                        "actor_type": "established_company",
                        "valid_from": "2020-01-01",
                    },
                    headers=OFFICER,
                )
            )
        async with httpx.AsyncClient(base_url=self.intake.url, timeout=10) as i:
            body = {**CALL, "code": f"F-{uuid.uuid4().hex[:8].upper()}"}
            call = expect(await i.post("/v1/calls", json=body, headers=OFFICER))
            self.call_id = str(call["id"])
            expect(await i.post(f"/v1/calls/{self.call_id}/publish", headers=OFFICER), 200)

    # -- submissions ----------------------------------------------------------------------

    async def draft(self, client: httpx.AsyncClient, n: int) -> str:
        """A complete draft (content and the project description), not yet submitted."""
        created = expect(
            await client.post(
                "/v1/applications",
                json={"call_id": self.call_id, "content": content(self.cluster_id, n)},
                headers=APPLICANT,
            )
        )
        application_id = str(created["id"])
        expect(
            await client.post(
                f"/v1/applications/{application_id}/attachments",
                params={"kind": "project_description", "filename": "prosjekt.pdf"},
                content=b"%PDF-1.4\n% project description\n",
                headers={**APPLICANT, "Content-Type": "application/pdf"},
            )
        )
        return application_id

    async def submit(self, client: httpx.AsyncClient, application_id: str) -> httpx.Response:
        """Submit with an Idempotency-Key; a retry with the same key answers the same."""
        return await client.post(
            f"/v1/applications/{application_id}/submit",
            json={"confirm": True},
            headers={**APPLICANT, "Idempotency-Key": f"submit-{application_id}"},
        )

    async def submit_many(self, count: int, *, concurrency: int = 8) -> list[str]:
        """Draft and submit `count` applications; returns their ids (all accepted)."""
        ids: list[str] = []
        sem = asyncio.Semaphore(concurrency)
        start = len(self.submitted)

        async def one(client: httpx.AsyncClient, n: int) -> None:
            async with sem:
                application_id = await self.draft(client, n)
                expect(await self.submit(client, application_id))
                ids.append(application_id)

        async with httpx.AsyncClient(base_url=self.intake.url, timeout=30) as client:
            await asyncio.gather(*(one(client, start + n) for n in range(count)))
        self.submitted.extend(ids)
        return ids

    # -- what the services stored ---------------------------------------------------------

    async def query(self, service: str, sql: str, **params: Any) -> list[Any]:
        engine = create_async_engine(self.urls[service])
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(text(sql), params)).all())
        finally:
            await engine.dispose()

    async def decided(self) -> int:
        """Applications with a current assessment in eligibility's database."""
        rows = await self.query(
            "eligibility",
            "SELECT COUNT(DISTINCT application_id) FROM assessments WHERE current = :t",
            t=True,
        )
        return int(rows[0][0])

    async def wait_decided(self, count: int, timeout_s: float = 120.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        seen = -1
        while loop.time() < end:
            seen = await self.decided()
            if seen >= count:
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"only {seen} of {count} applications decided in {timeout_s}s")

    async def assert_exactly_one_decision_each(self, application_ids: list[str]) -> None:
        """Every application: one assessment, current; the inbox holds each event once;
        the EligibilityAssessed events on the topic name one assessment per application."""
        rows = await self.query(
            "eligibility", "SELECT application_id, version, current, outcome FROM assessments"
        )
        per_app = Counter(str(uuid.UUID(str(r[0]))) for r in rows)
        expected = set(application_ids)
        assert set(per_app) == expected, (
            f"missing {len(expected - set(per_app))}, unexpected {len(set(per_app) - expected)}"
        )
        twice = {a: c for a, c in per_app.items() if c != 1}
        assert not twice, f"applications assessed more than once: {twice}"
        assert all(r[2] for r in rows), "every (only) assessment is current"
        dead = await self.query("eligibility", "SELECT event_id, error FROM dead_letters")
        assert dead == [], f"dead-lettered: {dead}"

        # A decision is committed before the relay sends its event, and repeats (republished
        # after a broker reset) count towards `expect`: read again until all are there.
        loop = asyncio.get_running_loop()
        end = loop.time() + 60
        while True:
            records = await read_topic(
                self.bootstrap,
                f"{self.prefix}nic.eligibility",
                expect=len(application_ids),
                timeout_s=30,
            )
            assessments: dict[str, set[str]] = defaultdict(set)
            outcomes: dict[str, set[str]] = defaultdict(set)
            for record in records:
                event = CloudEvent.from_bytes(record.value)
                if event.type != EligibilityAssessed.TYPE:
                    continue
                data = event.data or {}
                assessments[str(data["application_id"])].add(str(data["assessment_id"]))
                outcomes[str(data["application_id"])].add(str(data["outcome"]))
            if set(assessments) >= expected or loop.time() > end:
                break
            await asyncio.sleep(1)
        assert set(assessments) == expected, (
            f"EligibilityAssessed missing for {len(expected - set(assessments))} applications"
        )
        assert all(len(v) == 1 for v in assessments.values()), "one assessment id each"
        assert all(len(v) == 1 for v in outcomes.values()), "one outcome each"

    async def assert_intake_timeline_once_each(self, application_ids: list[str]) -> None:
        """Intake's status timeline shows exactly one eligibility decision per application."""
        loop = asyncio.get_running_loop()
        end = loop.time() + 60
        counts: Counter[str] = Counter()
        while loop.time() < end:
            rows = await self.query(
                "intake",
                "SELECT application_id FROM status_entries WHERE kind = 'eligibility_assessed'",
            )
            counts = Counter(str(uuid.UUID(str(r[0]))) for r in rows)
            if set(counts) >= set(application_ids):
                break
            await asyncio.sleep(0.25)
        missing = set(application_ids) - set(counts)
        assert not missing, f"{len(missing)} decisions never reached intake's timeline"
        assert all(c == 1 for c in counts.values()), {a: c for a, c in counts.items() if c > 1}
