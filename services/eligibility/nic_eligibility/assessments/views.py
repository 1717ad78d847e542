"""Rows to HTTP views, in the caller's language; applicants get no facts snapshot."""

from __future__ import annotations

from typing import Any

from nic_eligibility.assessments.schemas import (
    AssessmentDetail,
    AssessmentOut,
    OverrideOut,
    QueueItem,
    RuleResultOut,
)
from nic_eligibility.models import AssessmentRow, OverrideRow
from nic_shared.events.eligibility import RuleOutcome, RuleResultSummary
from nic_shared.i18n import Lang


def rule_results(items: list[RuleResultSummary], lang: Lang) -> list[RuleResultOut]:
    return [
        RuleResultOut(
            rule_id=r.rule_id,
            clause=r.clause,
            outcome=r.outcome,
            severity=r.severity,
            message=r.message_nb if lang == "nb" else r.message_en,
            facts=dict(r.facts),
        )
        for r in items
    ]


def reasons(items: list[RuleResultOut]) -> list[str]:
    return [r.message for r in items if r.outcome is RuleOutcome.FAIL]


def _summaries(row: AssessmentRow) -> list[RuleResultSummary]:
    return [RuleResultSummary.model_validate(r) for r in row.rule_results]


def _base(row: AssessmentRow, lang: Lang, overridden: bool) -> dict[str, Any]:
    results = rule_results(_summaries(row), lang)
    return {
        "id": row.id,
        "application_id": row.application_id,
        "call_id": row.call_id,
        "version": row.version,
        "applicant_org_number": row.applicant_org_number,
        "outcome": row.outcome,
        "status": row.status,
        "current": row.current,
        "overridden": overridden,
        "rule_set": row.rule_set,
        "submitted_at": row.submitted_at,
        "assessed_at": row.assessed_at,
        "closed_at": row.closed_at,
        "reasons": reasons(results),
        "rule_results": results,
    }


def override_out(row: OverrideRow) -> OverrideOut:
    return OverrideOut(
        id=row.id,
        assessment_id=row.assessment_id,
        previous_outcome=row.previous_outcome,
        outcome=row.outcome,
        reason=row.reason,
        overridden_by=row.overridden_by,
        overridden_at=row.overridden_at,
    )


def applicant_view(row: AssessmentRow, lang: Lang, overridden: bool) -> AssessmentOut:
    """Outcome and reasons; the facts per rule stay (they are about the application)."""
    return AssessmentOut.model_validate(_base(row, lang, overridden))


def officer_view(row: AssessmentRow, lang: Lang, overrides: list[OverrideRow]) -> AssessmentDetail:
    return AssessmentDetail.model_validate(
        {
            **_base(row, lang, bool(overrides)),
            "automatic_outcome": row.automatic_outcome,
            "rule_set_version": row.rule_set_version,
            "parameters": row.parameters,
            "facts_as_of": row.facts_as_of,
            "facts": row.facts,
            "application": row.application,
            "deadline": row.deadline,
            "close_reason": row.close_reason,
            "revision": row.revision,
            "overrides": [override_out(o) for o in overrides],
        }
    )


def queue_item(row: AssessmentRow, lang: Lang) -> QueueItem:
    results = rule_results(_summaries(row), lang)
    return QueueItem(
        id=row.id,
        application_id=row.application_id,
        call_id=row.call_id,
        version=row.version,
        applicant_org_number=row.applicant_org_number,
        title=str(row.application.get("title", "")),
        outcome=row.outcome,
        assessed_at=row.assessed_at,
        revision=row.revision,
        reasons=reasons(results),
    )
