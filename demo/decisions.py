"""The demo's last steps: from the published ranking to decisions, letters and results.

One officer drafts the decisions for the whole ranking, a second approves them (four-eyes),
intake sends the letters (PDF attached) to its mail folder; the first granted applicant
accepts, the second declines, and the money goes to the next reserve when it fits the frame.
Then the granted list is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

APPROVER_SUBJECT = "demo-approver"


@dataclass
class Decided:
    """What the decision steps found, for printing and for tests."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    accepted: str | None = None
    declined: str | None = None
    promoted: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    results_url: str = ""
    letters_url: str = ""
    mail_dir: str = ""
    titles: dict[str, str] = field(default_factory=dict)


async def decide(demo: Any, intake: httpx.AsyncClient, call_id: str) -> Decided:
    """Draft, approve, answer, promote and publish; `demo` gives tokens, waits and steps."""
    from demo.run import OFFICER, applicant, bearer, eventually, expect

    approver = bearer(roles=["programme_officer"], subject=APPROVER_SUBJECT)
    out = Decided(mail_dir=demo.mail_dir, titles={i: a.title for i, a in demo.app_ids.items()})

    async def drafted() -> list[dict[str, Any]] | None:
        # intake learns the ranking from scoring's events; until then there is none (409)
        response = await intake.post(f"/v1/calls/{call_id}/decisions", headers=OFFICER)
        if response.status_code == 409:
            return None
        expect(response, 201)
        listed = expect(await intake.get(f"/v1/calls/{call_id}/decisions", headers=OFFICER), 200)
        return list(listed["items"]) or None

    drafts = await eventually(drafted, "intake to hold the published ranking", demo.timeout_s)
    demo.step(f"intake: {len(drafts)} decisions drafted from the ranking by demo-officer")
    expect(await intake.post(f"/v1/calls/{call_id}/decisions/approve", headers=approver), 200)
    demo.step(f"intake: approved by {APPROVER_SUBJECT}; letters and FundingDecided sent")

    granted = [d for d in drafts if d["outcome"] == "granted"]
    orgs = {}
    for d in granted + [d for d in drafts if d["outcome"] == "reserve"]:
        app = expect(
            await intake.get(f"/v1/applications/{d['application_id']}", headers=OFFICER), 200
        )
        orgs[d["application_id"]] = app["applicant_org_number"]
    if granted:
        first = granted[0]["application_id"]
        expect(
            await intake.post(
                f"/v1/applications/{first}/decision/accept", headers=applicant(orgs[first])
            ),
            200,
        )
        out.accepted = first
    if len(granted) > 1:
        second = granted[1]["application_id"]
        expect(
            await intake.post(
                f"/v1/applications/{second}/decision/decline", headers=applicant(orgs[second])
            ),
            200,
        )
        out.declined = second
    demo.step("intake: one grant accepted, one declined")

    out.decisions = list(
        expect(await intake.get(f"/v1/calls/{call_id}/decisions", headers=OFFICER), 200)["items"]
    )
    out.promoted = [d for d in out.decisions if d["version"] > 1 and d["outcome"] == "granted"]
    published = expect(
        await intake.post(f"/v1/calls/{call_id}/results/publish", headers=OFFICER), 200
    )
    out.results = list(published["items"])
    base = str(demo.urls.intake).rstrip("/")
    out.results_url = f"{base}/v1/public/calls/{call_id}/results"
    out.letters_url = f"{base}/v1/applications/<id>/decision/letter"
    demo.step(f"intake: {len(out.results)} granted projects published")
    return out


def render(decided: Decided) -> list[str]:
    lines = ["", "Decisions (approved by two officers; the letters are PDFs):"]
    for d in decided.decisions:
        note = ""
        if d["application_id"] == decided.accepted:
            note = "  accepted"
        elif d["application_id"] == decided.declined:
            note = "  declined"
        elif d in decided.promoted:
            note = f"  promoted from the reserve list (version {d['version']})"
        amount = f"NOK {d['amount_nok']:,}" if d["outcome"] == "granted" else ""
        title = decided.titles.get(d["application_id"], d["application_id"])[:34]
        lines.append(f"  {title:<34} {d['outcome']:<9} {amount:>15}{note}")
    if decided.declined and not decided.promoted:
        lines.append("  (the next reserve's amount does not fit what the decline freed)")
    mail = Path(decided.mail_dir)
    lines += [
        "",
        f"Letters: mailed with the PDF attached to {mail.resolve()} (.eml files);",
        f"  each also at {decided.letters_url} (the applicant's token).",
        f"Published results (public, no token): {decided.results_url} and .csv",
    ]
    return lines
