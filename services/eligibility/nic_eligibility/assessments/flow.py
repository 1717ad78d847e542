"""The consumer side: a submitted version becomes a stored, published decision.

`prepare` (outside the transaction) reads the call's terms and fetches the registry facts;
when the call's rule set or the registry is not there yet it raises RetryLater, so nothing
is decided on missing facts. `on_submitted` (inside the transaction) assesses with the
call's stored rule set, stores the assessment with its results and the facts snapshot,
supersedes the earlier version's assessment and records EligibilityAssessed in the outbox.
`on_withdrawn` closes the application's assessments.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nic_eligibility.assessments.inputs import gather, load_terms
from nic_eligibility.domain import (
    AssessmentInput,
    InvalidParameters,
    UnknownRuleSet,
    assess,
    facts_date,
)
from nic_eligibility.models import CLOSED, OPEN, AssessmentRow
from nic_eligibility.registry import RegistryClient, RegistryUnavailable
from nic_shared import outbox
from nic_shared.clock import Clock, system_clock
from nic_shared.consumer import Poison, RetryLater
from nic_shared.db import Database
from nic_shared.events import CloudEvent
from nic_shared.events.eligibility import AssessedApplication, EligibilityAssessed
from nic_shared.events.intake import ApplicationContent, ApplicationSubmitted, ApplicationWithdrawn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What `prepare` found: the input to assess with the registry's facts."""

    input: AssessmentInput | None


def assessed_application(
    content: ApplicationContent, applicant_org_number: str, submitted_at: datetime
) -> AssessedApplication:
    """The summary scoring needs: who takes part, how much, when it arrived."""
    partners = sorted({p.org_number for p in content.partners if p.org_number is not None})
    return AssessedApplication(
        title=content.title,
        applicant_org_number=applicant_org_number,
        partner_org_numbers=partners,
        cluster_id=content.cluster_id,
        requested_amount_nok=content.requested_amount_nok or 0,
        submitted_at=submitted_at,
    )


class AssessmentFlow:
    """The handlers of the consumed events; `db` is bound by the app's lifespan."""

    def __init__(self, registry: RegistryClient, clock: Clock = system_clock) -> None:
        self.registry = registry
        self.clock = clock
        self.db: Database | None = None

    async def prepare_submitted(
        self, payload: ApplicationSubmitted, _event: CloudEvent
    ) -> Prepared:
        if self.db is None:
            raise RetryLater("the database is not bound yet")
        async with self.db.transaction() as session:  # one short read, then no connection held
            terms = await load_terms(session, payload.call_id)
        if terms is None:
            raise RetryLater(f"the rule set of call {payload.call_id} is not known yet")
        try:
            data = await gather(
                self.registry,
                terms,
                content=payload.content,
                applicant_org_number=payload.applicant_org_number,
                submitted_at=payload.submitted_at,
            )
        except UnknownRuleSet as exc:
            raise Poison(f"call {payload.call_id} names an unknown rule set: {exc}") from exc
        except RegistryUnavailable as exc:
            raise RetryLater(str(exc)) from exc
        return Prepared(data)

    async def on_submitted(
        self,
        session: AsyncSession,
        payload: ApplicationSubmitted,
        event: CloudEvent,
        prepared: Prepared,
    ) -> None:
        versions = list(
            await session.scalars(
                select(AssessmentRow.version).where(
                    AssessmentRow.application_id == payload.application_id
                )
            )
        )
        if prepared.input is None or payload.version in versions:
            return  # this version is decided already (a redelivery under another event id)
        terms = await load_terms(session, payload.call_id)
        if terms is None:
            raise RetryLater(f"the rule set of call {payload.call_id} is not known yet")
        needed = facts_date(terms.spec, submitted_at=payload.submitted_at, deadline=terms.deadline)
        if needed != prepared.input.facts.as_of:
            raise RetryLater("the call's terms changed while the facts were fetched")
        data = AssessmentInput(
            content=payload.content,
            applicant_org_number=payload.applicant_org_number,
            submitted_at=payload.submitted_at,
            deadline=terms.deadline,
            rule_set=terms.spec,
            facts=prepared.input.facts,
        )
        try:
            decision = assess(data)
        except (UnknownRuleSet, InvalidParameters) as exc:
            raise Poison(f"the rule set of call {payload.call_id} cannot be used: {exc}") from exc

        current = all(v < payload.version for v in versions)
        if current and versions:
            await session.execute(
                update(AssessmentRow)
                .where(
                    AssessmentRow.application_id == payload.application_id,
                    AssessmentRow.current.is_(True),
                )
                .values(current=False)
            )
        summary = assessed_application(
            payload.content, payload.applicant_org_number, payload.submitted_at
        )
        summaries = decision.summaries()
        now = self.clock()
        row = AssessmentRow(
            id=uuid.uuid4(),
            application_id=payload.application_id,
            call_id=payload.call_id,
            version=payload.version,
            applicant_org_number=payload.applicant_org_number,
            current=current,
            status=OPEN,
            automatic_outcome=decision.outcome.value,
            outcome=decision.outcome.value,
            rule_set=decision.rule_set,
            rule_set_version=decision.rule_set_version,
            parameters=_json(dict(decision.parameters)),
            rule_results=[s.model_dump(mode="json") for s in summaries],
            facts=data.facts.model_dump(mode="json"),
            facts_as_of=data.facts.as_of,
            application=summary.model_dump(mode="json"),
            content_sha256=payload.content_sha256,
            submitted_at=payload.submitted_at,
            deadline=terms.deadline,
            assessed_at=now,
            revision=1,
            source_event_id=event.id,
        )
        session.add(row)
        await session.flush()
        if not current:
            log.warning(
                "an earlier version arrived after a later one; kept as history, not published",
                extra={"application_id": str(payload.application_id), "version": payload.version},
            )
            return
        await outbox.record(
            session,
            EligibilityAssessed(
                assessment_id=row.id,
                application_id=payload.application_id,
                call_id=payload.call_id,
                version=payload.version,
                outcome=decision.outcome,
                rule_results=summaries,
                assessed_at=now,
                application=summary,
            ),
        )

    async def on_withdrawn(
        self, session: AsyncSession, payload: ApplicationWithdrawn, _event: CloudEvent, _ctx: Any
    ) -> None:
        """Close every open assessment of the application; the queue no longer shows it."""
        result = await session.execute(
            update(AssessmentRow)
            .where(
                AssessmentRow.application_id == payload.application_id,
                AssessmentRow.status == OPEN,
            )
            .values(
                status=CLOSED,
                closed_at=payload.withdrawn_at.astimezone(UTC),
                close_reason=f"withdrawn: {payload.reason}"[:2000],
                revision=AssessmentRow.revision + 1,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            log.info(
                "withdrawal of an application with no open assessment",
                extra={"application_id": str(payload.application_id)},
            )


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {key: list(v) if isinstance(v, list) else v for key, v in values.items()}
