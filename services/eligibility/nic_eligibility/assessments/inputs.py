"""From a call's stored terms and an application to an AssessmentInput with registry facts.

Shared by the consumer (which stores the decision) and the dry run (which does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from nic_eligibility.domain import AssessmentInput, facts_date, involved_keys
from nic_eligibility.models import CallRuleSet
from nic_eligibility.registry import RegistryClient
from nic_shared.events.intake import ApplicationContent
from nic_shared.events.specs import RuleSetSpec


@dataclass(frozen=True)
class CallTerms:
    """What eligibility knows of a call: its rule set and its deadline."""

    call_id: UUID
    spec: RuleSetSpec
    deadline: datetime


async def load_terms(session: AsyncSession, call_id: UUID) -> CallTerms | None:
    row = await session.get(CallRuleSet, call_id)
    if row is None:
        return None
    return CallTerms(row.call_id, RuleSetSpec.model_validate(row.rule_set), row.deadline)


async def gather(
    registry: RegistryClient,
    terms: CallTerms,
    *,
    content: ApplicationContent,
    applicant_org_number: str,
    submitted_at: datetime,
) -> AssessmentInput:
    """The input with facts on the date the rule set decides on (UnknownRuleSet,
    RegistryUnavailable or RegistryContractError when it cannot be had)."""
    as_of = facts_date(terms.spec, submitted_at=submitted_at, deadline=terms.deadline)
    facts = await registry.facts(
        involved_keys(content, applicant_org_number), content.cluster_id, as_of
    )
    return AssessmentInput(
        content=content,
        applicant_org_number=applicant_org_number,
        submitted_at=submitted_at,
        deadline=terms.deadline,
        rule_set=terms.spec,
        facts=facts,
    )
