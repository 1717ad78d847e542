"""The demo against the platform started as a user starts it (deploy/run.py: the broker and
the four services as processes), on free ports and SQLite in a folder of the test's own.
Every default port (9092, 8001-8005) is held by a listener meanwhile, as `make run` in
another terminal would. About 30 s: the platform's start and two runs of the demo (the second proves it can run
again against the same platform, with the consensus step on)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from demo.generator import generate_circular_call
from demo.platform import Platform
from demo.run import Demo, Report, bearer, render
from tests.demo.occupied import default_ports_taken, developer_settings_in_the_shell


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Started as a developer would meet it: `make run` holds every default port and its
    NIC_* settings are in the shell; the platform the test starts uses neither."""
    with (
        default_ports_taken(),
        developer_settings_in_the_shell(),
        Platform(tmp_path_factory.mktemp("platform")) as running,
    ):
        yield running


async def _run(platform: Platform, *, consensus: bool) -> Report:
    lines: list[str] = []
    demo = Demo(
        platform.urls,
        generate_circular_call(),
        consensus=consensus,
        out=lines.append,
        mail_dir=str(platform.mail_dir("intake")),
    )
    report = await demo.run()
    assert render(report)
    return report


async def test_the_demo_ranks_the_call_and_can_run_again(platform: Platform) -> None:
    data = generate_circular_call()
    eligible = [a for a in data.applications if a.eligible]
    reports: list[Report] = []
    for consensus in (False, True):
        report = await _run(platform, consensus=consensus)
        reports.append(report)
        assert report.mismatches == []
        assert len(report.ranking) == len(eligible)
        assert len(report.ineligible) == 5
        assert report.needs_review == []
        assert report.conflicts_avoided
        assert report.declared_conflict is not None
        assert report.recommended_total_nok <= report.budget_frame_nok == 25_000_000
        assert report.ranking[0]["outcome"] == "recommended"
        assert report.reserve
        assert report.consensus == (len(eligible) if consensus else 0)
        assert report.timings[-1][1] < 60
        decided = report.decided
        assert decided is not None
        assert len(decided.decisions) == len(data.applications)  # ineligible ones rejected
        assert decided.accepted is not None
        assert decided.declined is not None
        assert decided.results
        standing = [d for d in decided.decisions if d["outcome"] == "granted"]
        assert len(decided.results) == len(standing) - 1  # the declined one is not listed
    want = 2 * len(data.applications)  # two runs, a letter per decision
    for _ in range(600):  # the mail worker sends after the demo's last step: wait up to 60 s
        if len(_letters(platform)) >= want:
            break
        await asyncio.sleep(0.1)
    assert len(_letters(platform)) >= want
    for report in reports:
        await _ops_counts_match(platform, report, submitted=len(data.applications))


async def _ops_counts_match(platform: Platform, report: Report, *, submitted: int) -> None:
    """The ops page's pipeline counts for a finished call are the services' own numbers."""
    outcomes = [e["outcome"] for e in report.ranking]
    want = {
        "call_code": report.call_code,
        "submitted": submitted,
        "assessed": submitted,
        "eligible": len(report.ranking),
        "scored": len(report.ranking),
        "recommended": outcomes.count("recommended"),
        "reserve": outcomes.count("reserve"),
        "not_recommended": outcomes.count("not_recommended"),
        "withdrawn": 0,
    }
    got: dict[str, object] = {}
    async with httpx.AsyncClient(base_url=platform.operations_url, timeout=10) as client:
        for _ in range(300):  # operations consumes the last events after the demo: up to 30 s
            answer = await client.get(
                "/v1/pipeline/calls",
                params={"call_id": report.call_id},
                headers=bearer(roles=["operations"], subject="test-operator"),
            )
            assert answer.status_code == 200, answer.text
            rows = answer.json()
            got = {k: rows[0].get(k) for k in want} if rows else {}
            if got == want:
                break
            await asyncio.sleep(0.1)
    assert got == want


def _letters(platform: Platform) -> list[Path]:
    return [
        p for p in platform.mail_dir("intake").glob("*.eml") if "application/pdf" in p.read_text()
    ]
