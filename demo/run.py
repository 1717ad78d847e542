"""Run the circular value chains 2023 call through the running platform, end to end.

    .venv/bin/python -m demo [--intake URL] [--eligibility URL] [--scoring URL] [--registry URL]

Registers the generated organisations, clusters, levels and member lists in the registry,
publishes the call in intake, creates and submits the 36 applications as their applicants,
waits for eligibility's decisions, builds the panel with its affiliations, lets scoring
assign reviewers (never a conflicted one), submits every review with deterministic marks,
records consensus when the call's scheme asks for it, publishes the ranking and prints it; then two officers decide (four-eyes), intake mails the
letters to its mail folder, one grant is accepted and one declined (a reserve moves up), and the
granted list is published.

The real call closed on 1 September 2023 16:00 Oslo time, and intake refuses submissions
after a call's deadline, so the demo's call closes `--deadline-minutes` (default 15) from
now; the real dates appear only in the description. Each run publishes a call of its own
(code SIRK-2023-<time>), and the registry data is the same every run (what already exists
is left as it is), so the demo can run again and again against one platform.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx

from demo.decisions import Decided, decide
from demo.decisions import render as render_decisions
from demo.generator import Application, CallData, generate_circular_call
from nic_intake.domain.templates import terms_for
from nic_shared.devtoken import mint
from nic_shared.events.specs import Scheme

OSLO = ZoneInfo("Europe/Oslo")
T = TypeVar("T")


class DemoError(RuntimeError):
    """The platform answered something the demo cannot go on from."""


@dataclass(frozen=True)
class Urls:
    intake: str = "http://127.0.0.1:8001"
    eligibility: str = "http://127.0.0.1:8002"
    scoring: str = "http://127.0.0.1:8003"
    registry: str = "http://127.0.0.1:8004"

    @classmethod
    def from_env(cls) -> Urls:
        defaults = cls()
        return cls(
            **{
                name: os.environ.get(f"NIC_DEMO_{name.upper()}_URL", getattr(defaults, name))
                for name in ("intake", "eligibility", "scoring", "registry")
            }
        )


@dataclass
class Report:
    """What the demo found, for printing and for tests."""

    call_id: str = ""
    call_code: str = ""
    deadline_oslo: str = ""
    budget_frame_nok: int = 0
    recommended_total_nok: int = 0
    ranking: list[dict[str, Any]] = field(default_factory=list)
    ineligible: list[dict[str, Any]] = field(default_factory=list)
    needs_review: list[dict[str, Any]] = field(default_factory=list)
    conflicts_avoided: list[tuple[str, str, str]] = field(default_factory=list)
    declared_conflict: tuple[str, str] | None = None
    consensus: int = 0
    reviews: int = 0
    mismatches: list[str] = field(default_factory=list)
    decided: Decided | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def reserve(self) -> list[dict[str, Any]]:
        return [e for e in self.ranking if e["outcome"] == "reserve"]


def bearer(**claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(**claims)}"}


OFFICER = bearer(roles=["programme_officer"], subject="demo-officer")


def applicant(org: str) -> dict[str, str]:
    return bearer(roles=["applicant"], org=org, subject=f"demo-applicant-{org}")


def member_token(member_id: str) -> dict[str, str]:
    return bearer(roles=["panel_member"], panel_member=member_id, subject=f"demo-{member_id}")


def expect(response: httpx.Response, *ok: int) -> Any:
    if response.status_code not in ok:
        raise DemoError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: "
            f"{response.text[:600]}"
        )
    return response.json() if response.content else None


async def gather_limited(limit: int, jobs: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float) -> T:
    deadline = time.monotonic() + timeout_s
    while True:
        found = await check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise DemoError(f"gave up after {timeout_s:.0f}s waiting for {what}")
        await asyncio.sleep(0.2)


class Demo:
    def __init__(
        self,
        urls: Urls,
        data: CallData,
        *,
        deadline_minutes: float = 15,
        reviewers: int = 3,
        consensus: bool = False,
        timeout_s: float = 90,
        out: Callable[[str], None] = print,
        mail_dir: str = ".data/intake/mail",
    ) -> None:
        self.urls = urls
        self.mail_dir = mail_dir
        self.data = data
        self.deadline_minutes = deadline_minutes
        self.reviewers = reviewers
        self.consensus = consensus
        self.timeout_s = timeout_s
        self.out = out
        self.report = Report()
        self.cluster_ids: dict[str, str] = {}
        self.app_ids: dict[str, Application] = {}
        self.began = time.perf_counter()

    def step(self, label: str) -> None:
        elapsed = time.perf_counter() - self.began
        self.report.timings.append((label, elapsed))
        self.out(f"[{elapsed:5.1f}s] {label}")

    async def run(self) -> Report:
        limits = httpx.Limits(max_connections=16)
        async with (
            httpx.AsyncClient(base_url=self.urls.registry, timeout=30, limits=limits) as reg,
            httpx.AsyncClient(base_url=self.urls.intake, timeout=30, limits=limits) as intake,
            httpx.AsyncClient(base_url=self.urls.eligibility, timeout=30, limits=limits) as elig,
            httpx.AsyncClient(base_url=self.urls.scoring, timeout=30, limits=limits) as scoring,
        ):
            await self.check_ready([reg, intake, elig, scoring])
            await self.register(reg)
            call = await self.publish(intake, elig, scoring)
            await self.submit_all(intake)
            assessments = await self.await_decisions(elig)
            await self.score(scoring, call, assessments)
            await self.rank(scoring)
            self.report.decided = await decide(self, intake, self.report.call_id)
        self.step("done")
        return self.report

    async def check_ready(self, clients: list[httpx.AsyncClient]) -> None:
        for client in clients:
            try:
                response = await client.get("/readyz")
            except httpx.TransportError as exc:
                raise DemoError(
                    f"nothing answers at {client.base_url} ({exc.__class__.__name__}); "
                    "start the platform first: make run"
                ) from exc
            if response.status_code != 200:
                raise DemoError(f"{client.base_url}/readyz -> {response.status_code}")
            broker = await client.get("/readyz/broker")
            if broker.status_code != 200:
                raise DemoError(
                    f"{client.base_url} is not connected to the broker "
                    f"({broker.json().get('detail', broker.status_code)}); is it running?"
                )

    # --- registry -------------------------------------------------------------------------

    async def register(self, reg: httpx.AsyncClient) -> None:
        async def organisation(body: dict[str, Any]) -> None:
            response = await reg.post("/v1/organisations", json=body, headers=OFFICER)
            expect(response, 201, 409)  # 409: registered by an earlier run

        await gather_limited(
            8,
            [lambda o=o: organisation(o.registry_body()) for o in self.data.organisations],  # type: ignore[misc]
        )
        existing: dict[str, str] = {}
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            page = expect(await reg.get("/v1/clusters", params=params, headers=OFFICER), 200)
            for item in page["items"]:
                existing.setdefault(item["name"], item["id"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        imported = 0
        for cluster in self.data.clusters:
            cluster_id = existing.get(cluster.name)
            if cluster_id is None:
                body = {
                    "name": cluster.name,
                    "facilitator_org_number": cluster.facilitator.org_number,
                    "region": cluster.region,
                    "focus_areas": [cluster.focus, "sirkulærøkonomi"],
                }
                cluster_id = expect(
                    await reg.post("/v1/clusters", json=body, headers=OFFICER), 201
                )["id"]
            self.cluster_ids[cluster.name] = cluster_id
            level = {
                "level": cluster.level,
                "valid_from": cluster.level_from.isoformat(),
                "valid_to": cluster.level_to.isoformat() if cluster.level_to else None,
            }
            expect(
                await reg.post(f"/v1/clusters/{cluster_id}/levels", json=level, headers=OFFICER),
                201,
                409,  # the same period, from an earlier run
            )
            manager = bearer(roles=["cluster_manager"], cluster=cluster_id, subject="demo-manager")
            report = expect(
                await reg.post(
                    f"/v1/clusters/{cluster_id}/members/import",
                    content=cluster.members_csv().encode(),
                    headers={**manager, "Content-Type": "text/csv"},
                ),
                200,
            )
            imported += report["imported"] + report["updated"] + report["unchanged"]
        self.step(
            f"registry: {len(self.data.organisations)} organisations, "
            f"{len(self.data.clusters)} clusters with levels, {imported} memberships (CSV import)"
        )

    # --- intake ---------------------------------------------------------------------------

    async def publish(
        self, intake: httpx.AsyncClient, elig: httpx.AsyncClient, scoring: httpx.AsyncClient
    ) -> dict[str, Any]:
        now = datetime.now(OSLO).replace(tzinfo=None, microsecond=0)
        code = f"SIRK-2023-{now:%m%d%H%M%S}-{uuid.uuid4().hex[:4].upper()}"
        overrides: dict[str, Any] = {}
        if self.consensus:
            scheme = terms_for(Scheme.CIRCULAR_VALUE_CHAINS).scoring_scheme
            overrides["scoring_scheme"] = {
                **scheme.model_dump(mode="json"),
                "consensus_required": True,
            }
        created = expect(
            await intake.post(
                "/v1/calls", json=self._call_body(code, now, overrides), headers=OFFICER
            ),
            201,
        )
        call = expect(await intake.post(f"/v1/calls/{created['id']}/publish", headers=OFFICER), 200)
        self.report.call_id, self.report.call_code = call["id"], call["code"]
        self.report.deadline_oslo = call["deadline_oslo"]
        self.report.budget_frame_nok = call["budget_frame_nok"]

        async def known(client: httpx.AsyncClient, path: str) -> bool | None:
            return True if (await client.get(path, headers=OFFICER)).status_code == 200 else None

        await eventually(
            lambda: known(elig, f"/v1/calls/{call['id']}/rule-set"),
            "eligibility to learn of the call",
            self.timeout_s,
        )
        await eventually(
            lambda: known(scoring, f"/v1/calls/{call['id']}/scoring-scheme"),
            "scoring to learn of the call",
            self.timeout_s,
        )
        self.step(
            f"intake: published {call['code']} (circular_value_chains), deadline "
            f"{call['deadline_oslo']} Oslo, frame NOK {call['budget_frame_nok']:,}; "
            "eligibility and scoring have it"
        )
        return dict(call)

    def _call_body(self, code: str, now: datetime, overrides: dict[str, Any]) -> dict[str, Any]:
        deadline = now + timedelta(minutes=self.deadline_minutes)
        body: dict[str, Any] = {
            "code": code,
            "scheme": "circular_value_chains",
            "title": {
                "nb": "Samarbeidsprosjekter for sirkulære verdikjeder 2023 (demo)",
                "en": "Collaboration projects for circular value chains 2023 (demo)",
            },
            "description": {
                "nb": "Demo av utlysningen 12.5.2023–1.9.2023 kl. 16.00, med fristen flyttet "
                "til noen minutter frem i tid.",
                "en": "A demo of the call open 12 May – 1 September 2023 16:00, with its "
                "deadline moved to a few minutes from now.",
            },
            "opens_at_local": (now - timedelta(days=1)).isoformat(),
            "deadline_local": deadline.isoformat(),
            "budget_frame_nok": 25_000_000,
        }
        if overrides:
            body["overrides"] = overrides
        return body

    async def submit_all(self, intake: httpx.AsyncClient) -> None:
        call_id = self.report.call_id

        async def one(app: Application) -> None:
            who = applicant(app.owner.org_number)
            content = app.content(self.cluster_ids[app.cluster.name])
            draft = expect(
                await intake.post(
                    "/v1/applications",
                    json={"call_id": call_id, "content": content},
                    headers=who,
                ),
                201,
            )
            expect(
                await intake.post(
                    f"/v1/applications/{draft['id']}/attachments",
                    params={"kind": "partner_goals_and_motivation", "filename": "motivasjon.pdf"},
                    content=b"%PDF-1.7\n% partners' goals and motivation\n" + app.summary.encode(),
                    headers={**who, "Content-Type": "application/pdf"},
                ),
                201,
            )
            key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{call_id}/{draft['id']}"))
            expect(
                await intake.post(
                    f"/v1/applications/{draft['id']}/submit",
                    json={"confirm": True},
                    headers={**who, "Idempotency-Key": key},
                ),
                201,
            )
            self.app_ids[draft["id"]] = app

        await gather_limited(6, [lambda a=a: one(a) for a in self.data.applications])  # type: ignore[misc]
        total = sum(a.requested_nok for a in self.data.applications)
        self.step(
            f"intake: {len(self.app_ids)} applications drafted, attached and submitted as "
            f"their applicants (NOK {total:,} requested)"
        )

    # --- eligibility ----------------------------------------------------------------------

    async def await_decisions(self, elig: httpx.AsyncClient) -> list[dict[str, Any]]:
        wanted = len(self.app_ids)
        headers = {**OFFICER, "Accept-Language": "en"}

        async def decided() -> list[dict[str, Any]] | None:
            items: list[dict[str, Any]] = []
            cursor: str | None = None
            while True:
                params: dict[str, Any] = {"call_id": self.report.call_id, "limit": 200}
                if cursor:
                    params["cursor"] = cursor
                page = expect(
                    await elig.get("/v1/assessments", params=params, headers=headers), 200
                )
                items += page["items"]
                cursor = page.get("next_cursor")
                if not cursor:
                    break
            return items if len(items) >= wanted else None

        assessments = await eventually(decided, "eligibility decisions", self.timeout_s)
        by_outcome: dict[str, int] = {}
        for item in assessments:
            by_outcome[item["outcome"]] = by_outcome.get(item["outcome"], 0) + 1
            app = self.app_ids[item["application_id"]]
            row = {
                "title": item["title"],
                "requested_nok": app.requested_nok,
                "reasons": item["reasons"],
                "meant": app.expected,
            }
            if item["outcome"] == "ineligible":
                self.report.ineligible.append(row)
            elif item["outcome"] == "needs_review":
                self.report.needs_review.append(row)
            if (item["outcome"] == "eligible") != app.eligible:
                self.report.mismatches.append(
                    f"{app.title}: generator meant {app.expected!r}, eligibility said "
                    f"{item['outcome']} ({'; '.join(item['reasons'])})"
                )
        summary = ", ".join(f"{n} {k}" for k, n in sorted(by_outcome.items()))
        self.step(f"eligibility: {len(assessments)} decisions ({summary})")
        return assessments

    # --- scoring --------------------------------------------------------------------------

    async def score(
        self, scoring: httpx.AsyncClient, call: dict[str, Any], assessments: list[dict[str, Any]]
    ) -> None:
        call_id = self.report.call_id
        eligible = {a["application_id"] for a in assessments if a["outcome"] == "eligible"}

        async def scorable() -> list[dict[str, Any]] | None:
            listed = expect(
                await scoring.get(f"/v1/calls/{call_id}/applications", headers=OFFICER), 200
            )
            ready = {a["application_id"] for a in listed if a["status"] == "scorable"}
            return list(listed) if ready >= eligible else None

        await eventually(scorable, "scoring to hold every eligible application", self.timeout_s)
        panel = expect(
            await scoring.post(
                "/v1/panels",
                json={
                    "call_id": call_id,
                    "name": "Fagpanel sirkulære verdikjeder",
                    "reviewers_per_application": self.reviewers,
                },
                headers=OFFICER,
            ),
            201,
        )
        panel_id = panel["id"]
        members: dict[str, dict[str, Any]] = {}
        for person in self.data.panel:
            body = {
                "name": person.name,
                "chair": person.chair,
                "org_numbers": person.org_numbers,
                "cluster_ids": [self.cluster_ids[n] for n in person.cluster_names],
            }
            added = expect(
                await scoring.post(f"/v1/panels/{panel_id}/members", json=body, headers=OFFICER),
                201,
            )
            members[added["member_id"]] = {**body, "name": person.name}
        # Which (member, application) pairs the rules forbid, worked out here independently.
        forbidden: dict[tuple[str, str], str] = {}
        for app_id in eligible:
            app = self.app_ids[app_id]
            parties = app.org_numbers | {app.owner.org_number}
            cluster_id = self.cluster_ids[app.cluster.name]
            for member_id, m in members.items():
                orgs = parties & set(m["org_numbers"])
                if orgs:
                    forbidden[(member_id, app_id)] = f"affiliated with {sorted(orgs)[0]}"
                elif cluster_id in m["cluster_ids"]:
                    forbidden[(member_id, app_id)] = f"affiliated with {app.cluster.name}"
        plan = expect(
            await scoring.post(f"/v1/panels/{panel_id}/auto-assign", json={}, headers=OFFICER),
            200,
        )
        assigned = {(a["member_id"], a["application_id"]) for a in plan["created"]}
        violated = assigned & forbidden.keys()
        if violated:
            raise DemoError(f"scoring assigned conflicted reviewers: {sorted(violated)}")
        self.report.conflicts_avoided = sorted(
            (members[m]["name"], self.app_ids[a].title, why) for (m, a), why in forbidden.items()
        )
        # A reviewer discovers a conflict the registry could not know, and declares it:
        # the assignment goes, and a second auto-assignment fills the gap.
        siri = next(m for m, v in members.items() if v["name"] == "Siri Lund")
        first = sorted(a for m, a in assigned if m == siri)
        if first:
            expect(
                await scoring.post(
                    f"/v1/panels/{panel_id}/conflicts",
                    json={
                        "application_id": first[0],
                        "reason": "Tidligere kollega av prosjektleder (declared)",
                    },
                    headers=member_token(siri),
                ),
                201,
            )
            self.report.declared_conflict = ("Siri Lund", self.app_ids[first[0]].title)
            refill = expect(
                await scoring.post(f"/v1/panels/{panel_id}/auto-assign", json={}, headers=OFFICER),
                200,
            )
            plan["created"] += refill["created"]
            plan["shortfalls"] = refill["shortfalls"]
        shortfalls = plan["shortfalls"]
        self.step(
            f"scoring: panel of {len(members)} (chair {self._chair_name()}), "
            f"{len(eligible) * self.reviewers - sum(s['required'] - s['assigned'] for s in shortfalls)}"
            f" assignments, {len(forbidden)} conflicted pairs avoided, "
            f"{len(shortfalls)} shortfalls"
        )
        scheme = expect(
            await scoring.get(f"/v1/calls/{call_id}/scoring-scheme", headers=OFFICER), 200
        )["scoring_scheme"]
        criteria = [c["id"] for c in scheme["criteria"]]

        async def review(member_id: str, app_id: str) -> None:
            app = self.app_ids[app_id]
            marks = [{"criterion_id": c, "mark": review_mark(app, member_id, c)} for c in criteria]
            expect(
                await scoring.post(
                    f"/v1/applications/{app_id}/reviews/mine/submit",
                    json={"marks": marks, "comment": "Vurdert etter utlysningens kriterier."},
                    headers=member_token(member_id),
                ),
                200,
            )

        jobs: list[Callable[[], Awaitable[None]]] = []
        for member_id in members:
            mine = expect(
                await scoring.get("/v1/assignments/mine", headers=member_token(member_id)), 200
            )
            jobs += [lambda m=member_id, a=x["application_id"]: review(m, a) for x in mine]  # type: ignore[misc]
        await gather_limited(4, jobs)
        self.report.reviews = len(jobs)
        if scheme.get("consensus_required"):
            chair = next(m for m, v in members.items() if v["chair"])
            for app_id in sorted(eligible):
                reviews = expect(
                    await scoring.get(f"/v1/applications/{app_id}/reviews", headers=OFFICER), 200
                )
                current = [r for r in reviews if r["status"] == "submitted"]
                agreed = [{"criterion_id": c, "mark": consensus_mark(current, c)} for c in criteria]
                conflicted = (chair, app_id) in forbidden
                expect(
                    await scoring.post(
                        f"/v1/applications/{app_id}/consensus",
                        json={"marks": agreed, "comment": "Panelets omforente vurdering."},
                        headers=OFFICER if conflicted else member_token(chair),
                    ),
                    200,
                )
                self.report.consensus += 1
        self.step(
            f"scoring: {self.report.reviews} reviews submitted"
            + (f", consensus recorded for {self.report.consensus}" if self.report.consensus else "")
        )

    def _chair_name(self) -> str:
        return next(p.name for p in self.data.panel if p.chair)

    async def rank(self, scoring: httpx.AsyncClient) -> None:
        call_id = self.report.call_id

        async def all_scored() -> bool | None:
            listed = expect(
                await scoring.get(f"/v1/calls/{call_id}/applications", headers=OFFICER), 200
            )
            left = [a for a in listed if a["status"] == "scorable" and a["result"] is None]
            return True if not left else None

        await eventually(all_scored, "every eligible application to be scored", self.timeout_s)
        ranking = expect(
            await scoring.post(f"/v1/calls/{call_id}/rankings", json={}, headers=OFFICER), 201, 200
        )
        self.report.ranking = list(ranking["entries"])
        self.report.budget_frame_nok = ranking["budget_frame_nok"]
        self.report.recommended_total_nok = ranking["recommended_total_nok"]
        self.step(f"scoring: ranking version {ranking['version']} published")


def review_mark(app: Application, member_id: str, criterion: str) -> int:
    """A deterministic mark on the 1–7 scale: the application's quality, give or take one
    by reviewer and criterion (the same inputs always give the same mark)."""
    base = 2 + app.quality * 5 // 100  # 2..7
    wobble = (sum(map(ord, app.title + criterion)) + int(member_id[:4], 16)) % 3 - 1
    return max(1, min(7, base + wobble))


def consensus_mark(reviews: list[dict[str, Any]], criterion: str) -> int:
    marks = [
        Decimal(str(m["mark"]))
        for r in reviews
        for m in r["marks"]
        if m["criterion_id"] == criterion
    ]
    return int(Decimal(statistics.median(marks)).quantize(Decimal(1), ROUND_HALF_UP))


def render(report: Report) -> str:
    lines = [
        "",
        f"Ranking of {report.call_code} (deadline {report.deadline_oslo} Oslo)",
        f"{'rank':>4}  {'title':<34} {'total':>6} {'requested NOK':>14}  outcome",
    ]
    for entry in report.ranking:
        rank = entry["rank"] if entry["rank"] is not None else "-"
        lines.append(
            f"{rank:>4}  {entry['title'][:34]:<34} {Decimal(str(entry['weighted_total'])):>6.2f} "
            f"{entry['requested_amount_nok']:>14,}  {entry['outcome']}"
        )
    lines += [
        "",
        f"Budget line: frame NOK {report.budget_frame_nok:,}, recommended NOK "
        f"{report.recommended_total_nok:,} "
        f"({sum(1 for e in report.ranking if e['outcome'] == 'recommended')} projects), "
        f"unallocated NOK {report.budget_frame_nok - report.recommended_total_nok:,}",
        "Reserve list: "
        + (
            ", ".join(f"{n}. {e['title']}" for n, e in enumerate(report.reserve, 1))
            if report.reserve
            else "(none)"
        ),
        "",
        f"Ineligible ({len(report.ineligible)}):",
    ]
    for row in report.ineligible:
        lines.append(
            f"  - {row['title']} (NOK {row['requested_nok']:,}): {' '.join(row['reasons'])}"
        )
    if report.needs_review:
        lines.append(f"Needs manual review ({len(report.needs_review)}):")
        for row in report.needs_review:
            lines.append(f"  - {row['title']}: {' '.join(row['reasons'])}")
    lines.append(f"Conflicted assignments avoided ({len(report.conflicts_avoided)}):")
    for name, title, why in report.conflicts_avoided:
        lines.append(f"  - {name} not on {title}: {why}")
    if report.declared_conflict:
        name, title = report.declared_conflict
        lines.append(f"  - {name} declared a conflict on {title}: reassigned")
    if report.mismatches:
        lines.append("Not as the generator meant:")
        lines += [f"  ! {m}" for m in report.mismatches]
    if report.decided is not None:
        lines += render_decisions(report.decided)
    total = report.timings[-1][1] if report.timings else 0.0
    lines.append(f"\nThe whole call in {total:.1f}s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    urls = Urls.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--intake", default=urls.intake)
    parser.add_argument("--eligibility", default=urls.eligibility)
    parser.add_argument("--scoring", default=urls.scoring)
    parser.add_argument("--registry", default=urls.registry)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--deadline-minutes", type=float, default=15)
    parser.add_argument("--reviewers", type=int, default=3, help="reviewers per application")
    parser.add_argument(
        "--consensus",
        action="store_true",
        help="override the call's scoring scheme to require a consensus step (the chair "
        "records the median marks); the circular template itself has none",
    )
    parser.add_argument("--timeout", type=float, default=90, help="seconds per waiting step")
    parser.add_argument(
        "--intake-mail",
        default=os.environ.get("NIC_INTAKE_MAIL_FOLDER", ".data/intake/mail"),
        help="intake's mail folder, where the letters land (`make run`: .data/intake/mail)",
    )
    args = parser.parse_args(argv)
    demo = Demo(
        Urls(args.intake, args.eligibility, args.scoring, args.registry),
        generate_circular_call(args.seed),
        deadline_minutes=args.deadline_minutes,
        reviewers=args.reviewers,
        consensus=args.consensus,
        timeout_s=args.timeout,
        mail_dir=args.intake_mail,
    )
    try:
        report = asyncio.run(demo.run())
    except DemoError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    print(render(report))
    return 1 if report.mismatches else 0
