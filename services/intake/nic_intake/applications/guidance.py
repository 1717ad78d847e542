"""Drafts that guide: the submit's completeness check, run on every read and edit of one
application, so a portal can show what is missing before the 422 at submit; and, asked for,
eligibility's dry run of the draft as it stands."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.applications.schemas import (
    ApplicationOut,
    ApplicationStatus,
    Completeness,
    CompletenessProblem,
    EligibilityDryRun,
)
from nic_intake.models import Application, Call
from nic_intake.settings import IntakeSettings
from nic_intake.submission.service import draft_problems

log = logging.getLogger(__name__)


async def with_completeness(
    session: AsyncSession, app: Application, out: ApplicationOut, *, allow_unscanned: bool
) -> ApplicationOut:
    """`out` with its completeness report; none for a withdrawn or closed application."""
    if app.status in (ApplicationStatus.WITHDRAWN.value, ApplicationStatus.CLOSED.value):
        return out
    call = await session.get(Call, app.call_id)
    assert call is not None
    _, problems = await draft_problems(session, app, call, allow_unscanned=allow_unscanned)
    report = Completeness(
        complete=not problems, problems=[CompletenessProblem(**p) for p in problems]
    )
    return out.model_copy(update={"completeness": report})


async def dry_run_body(session: AsyncSession, app: Application) -> dict[str, Any]:
    """The dry run's request: the draft with its attachments, as the submit would send it."""
    call = await session.get(Call, app.call_id)
    assert call is not None
    content, _ = await draft_problems(session, app, call, allow_unscanned=True)
    return {
        "call_id": str(app.call_id),
        "applicant_org_number": app.applicant_org_number,
        "content": content,
    }


async def ask_eligibility(
    settings: IntakeSettings, body: dict[str, Any], authorization: str
) -> EligibilityDryRun:
    """Eligibility's dry run, asked on the caller's own token (it decides who may run it:
    the applicant's organisation, or an officer). Never inside a database transaction."""
    try:
        async with httpx.AsyncClient(
            base_url=settings.eligibility_url, timeout=settings.eligibility_timeout_s
        ) as client:
            answer = await client.post(
                "/v1/eligibility/check", json=body, headers={"Authorization": authorization}
            )
    except httpx.HTTPError as exc:
        log.warning("eligibility dry run unavailable", extra={"error": type(exc).__name__})
        return _unavailable(None)
    if answer.status_code == 200:
        data = answer.json()
        return EligibilityDryRun(
            status="checked",
            outcome=data["outcome"],
            reasons=data["reasons"],
            rule_results=data["rule_results"],
        )
    if answer.status_code in (401, 403):
        return EligibilityDryRun(status="not_permitted")
    return _unavailable(answer.headers.get("Retry-After"))  # 404 (call not known yet), 503


def _unavailable(retry_after: str | None) -> EligibilityDryRun:
    seconds = int(retry_after) if retry_after and retry_after.isdigit() else 5
    return EligibilityDryRun(status="unavailable", retry_after_s=seconds)
