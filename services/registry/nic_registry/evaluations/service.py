"""Annual-evaluation use cases. They flush; the request commits.

A run computes, for every cluster in the programme that year, the facts and checklist of
`domain.evaluation` once and keeps them (a second run adds only clusters not yet evaluated);
the officer then writes the assessment, may override verdicts with a note, and decides. Every
action is a row in `evaluation_audit`; a decision also leaves as `ClusterEvaluated`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.clusters.history import histories
from nic_registry.domain import evaluation as rules
from nic_registry.domain.annual_report import FivePoint
from nic_registry.domain.evaluation import Criterion, Outcome, Verdict
from nic_registry.evaluations.schemas import (
    AuditOut,
    CheckItemOut,
    EscaOut,
    EvaluationOut,
    EvaluationPatch,
    EvaluationSummary,
    ExpiryWarningOut,
    FactsOut,
    FivePointOut,
    LevelOut,
    MatureOut,
    OverrideOut,
    Status,
)
from nic_registry.memberships.service import to_domain as membership
from nic_registry.models import Cluster, Evaluation, EvaluationAudit
from nic_registry.problems import flush, invalid
from nic_registry.reports import queries
from nic_shared import outbox
from nic_shared.events.registry import ClusterEvaluated
from nic_shared.problems import Conflict, NotFound


async def run(
    session: AsyncSession, *, year: int, as_of: date, lead_days: int, actor: str, now: datetime
) -> int:
    """Draft an evaluation for every cluster in the programme in `year` that has none; how many."""
    ids = list((await session.scalars(select(Cluster.id))).all())
    found = await histories(session, ids)
    wanted = {cid for cid, h in found.items() if rules.in_programme(h, date(year, 1, 1), as_of)}
    done = set(
        (await session.scalars(select(Evaluation.cluster_id).where(Evaluation.year == year))).all()
    )
    todo = sorted(wanted - done)
    first = rules.twelve_months_to(as_of)
    members = await queries.memberships_between(session, todo, as_of, as_of)
    activities = await queries.activities_between(session, todo, first, as_of)
    domain_members = [membership(m) for m in members]
    domain_activities = [queries.to_domain(a) for a in activities]
    for cluster_id in todo:
        facts = rules.evaluation_facts(found[cluster_id], domain_members, domain_activities, as_of)
        row = Evaluation(
            id=uuid.uuid4(),
            cluster_id=cluster_id,
            year=year,
            as_of=as_of,
            status=Status.DRAFT.value,
            facts=facts_out(facts).model_dump(mode="json"),
            checklist=[_item_json(i) for i in rules.checklist(facts, lead_days)],
            overrides={},
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        _audit(session, row.id, "created", actor, now, {"as_of": as_of.isoformat()})
    try:
        await flush(session)
    except IntegrityError as exc:
        raise Conflict(
            f"another run for {year} is under way; run again to see its evaluations",
            detail_nb=f"en annen kjøring for {year} pågår; kjør igjen for å se evalueringene",
            slug="evaluation-run-concurrent",
        ) from exc
    return len(todo)


async def year_summaries(session: AsyncSession, year: int) -> list[EvaluationSummary]:
    rows = await session.execute(
        select(Evaluation, Cluster.name)
        .join(Cluster, Cluster.id == Evaluation.cluster_id)
        .where(Evaluation.year == year)
        .order_by(Cluster.name, Evaluation.id)
    )
    return [summary(e, name) for e, name in rows.all()]


async def get(session: AsyncSession, evaluation_id: uuid.UUID) -> tuple[Evaluation, str]:
    row = (
        await session.execute(
            select(Evaluation, Cluster.name)
            .join(Cluster, Cluster.id == Evaluation.cluster_id)
            .where(Evaluation.id == evaluation_id)
        )
    ).first()
    if row is None:
        raise NotFound(
            f"no evaluation {evaluation_id}", detail_nb=f"ingen evaluering {evaluation_id}"
        )
    return row[0], row[1]


async def page(
    session: AsyncSession,
    *,
    year: int | None,
    outcome: Outcome | None,
    status: Status | None,
    cluster_id: uuid.UUID | None,
    limit: int,
    after: list[Any] | None,
) -> list[tuple[Evaluation, str]]:
    """Evaluations by year, then id; filtered."""
    query = (
        select(Evaluation, Cluster.name)
        .join(Cluster, Cluster.id == Evaluation.cluster_id)
        .order_by(Evaluation.year, Evaluation.id)
        .limit(limit)
    )
    if year is not None:
        query = query.where(Evaluation.year == year)
    if outcome is not None:
        query = query.where(Evaluation.outcome == outcome.value)
    if status is not None:
        query = query.where(Evaluation.status == status.value)
    if cluster_id is not None:
        query = query.where(Evaluation.cluster_id == cluster_id)
    if after is not None:
        last_year, ident = int(after[0]), uuid.UUID(str(after[1]))
        query = query.where(
            (Evaluation.year > last_year)
            | ((Evaluation.year == last_year) & (Evaluation.id > ident))
        )
    return [(e, n) for e, n in (await session.execute(query)).all()]


async def update(
    session: AsyncSession, row: Evaluation, body: EvaluationPatch, actor: str, now: datetime
) -> None:
    """Set the assessment and overrides of a draft; overrides name a criterion it checks."""
    _ensure_draft(row)
    fields = body.model_fields_set
    details: dict[str, Any] = {}
    if "assessment" in fields:
        row.assessment = body.assessment.strip() if body.assessment else None
        details["assessment"] = row.assessment
    if body.overrides:
        checked = {i["criterion"] for i in row.checklist}
        overrides = dict(row.overrides)
        for criterion, given in body.overrides.items():
            if criterion.value not in checked:
                raise invalid(
                    f"#/overrides/{criterion.value}",
                    "in_checklist",
                    f"{criterion.value} is not on this cluster's checklist",
                )
            if given is None:
                overrides.pop(criterion.value, None)
                details.setdefault("overrides", {})[criterion.value] = None
                continue
            entry = {
                "verdict": given.verdict.value,
                "note": given.note.strip(),
                "by": actor,
                "at": now.isoformat(),
            }
            overrides[criterion.value] = entry
            details.setdefault("overrides", {})[criterion.value] = entry
        row.overrides = overrides
    if not details:
        return  # nothing to change: no new version, no audit row
    row.updated_at = now
    _audit(session, row.id, "updated", actor, now, details)
    await flush(session)


async def decide(
    session: AsyncSession, row: Evaluation, outcome: Outcome, actor: str, now: datetime
) -> None:
    """Decide once; a warning or an exit needs the assessment that explains it."""
    _ensure_draft(row)
    if outcome is not Outcome.CONTINUE and not row.assessment:
        raise invalid(
            "#/assessment",
            "assessment_required",
            f"write the assessment (PATCH) before deciding {outcome.value}",
        )
    row.status = Status.DECIDED.value
    row.outcome = outcome.value
    row.decided_at = now
    row.decided_by = actor
    row.updated_at = now
    _audit(
        session,
        row.id,
        "decided",
        actor,
        now,
        {"outcome": outcome.value, "assessment": row.assessment},
    )
    await flush(session)
    await outbox.record(
        session,
        ClusterEvaluated(
            evaluation_id=row.id,
            cluster_id=row.cluster_id,
            year=row.year,
            outcome=outcome.value,
            decided_at=now,
        ),
    )


async def audit_of(session: AsyncSession, evaluation_id: uuid.UUID) -> list[AuditOut]:
    rows = await session.scalars(
        select(EvaluationAudit)
        .where(EvaluationAudit.evaluation_id == evaluation_id)
        .order_by(EvaluationAudit.id)
    )
    return [AuditOut(action=a.action, actor=a.actor, at=a.at, details=a.details) for a in rows]


async def warnings(
    session: AsyncSession, *, as_of: date, lead_days: int, cluster_ids: Collection[uuid.UUID] | None
) -> list[ExpiryWarningOut]:
    """What runs out within the lead time, soonest first; all clusters when `cluster_ids` is None."""
    ids = (
        list(cluster_ids)
        if cluster_ids is not None
        else list((await session.scalars(select(Cluster.id))).all())
    )
    found = await histories(session, ids)
    items = [
        ExpiryWarningOut(
            cluster_id=cid,
            cluster_name=h.name,
            kind=w.kind,
            expires_on=w.expires_on,
            days_left=w.days_left,
            detail=w.detail,
        )
        for cid, h in found.items()
        for w in rules.expiry_warnings(h, as_of, lead_days)
    ]
    return sorted(items, key=lambda w: (w.expires_on, w.cluster_name, w.kind.value))


# -- mapping --------------------------------------------------------------------------------


def facts_out(f: rules.EvaluationFacts) -> FactsOut:
    level = f.level
    return FactsOut(
        as_of=f.as_of,
        activities_from=f.activities_from,
        members_by_actor_type=f.members_by_actor_type,
        members_total=f.members_total,
        five_point=FivePointOut(
            covered=f.five_point.covered,
            present=[p for p in FivePoint if p in f.five_point.present],
            missing=list(f.five_point.missing),
        ),
        activities_by_area=f.activities_by_area,
        level=LevelOut(
            level=level.level,
            valid_from=level.valid_from,
            valid_to=level.valid_to,
            run_start=level.run_start,
            cap_years=level.cap_years,
            cap_ends_on=level.cap_ends_on,
            year_of_term=level.year_of_term,
            days_used=level.days_used,
        )
        if level is not None
        else None,
        nce_brand=f.nce_brand,
        esca_label=EscaOut(grade=f.esca.grade, valid_until=f.esca.valid_until) if f.esca else None,
        mature=MatureOut(qualified=f.mature.qualified, qualified_until=f.mature.qualified_until)
        if f.mature
        else None,
    )


def checklist_out(row: Evaluation) -> list[CheckItemOut]:
    items = []
    for item in row.checklist:
        override = row.overrides.get(item["criterion"])
        items.append(
            CheckItemOut(
                criterion=Criterion(item["criterion"]),
                computed=Verdict(item["verdict"]),
                verdict=Verdict(override["verdict"] if override else item["verdict"]),
                figure=item["figure"],
                text_nb=item["text_nb"],
                text_en=item["text_en"],
                override=OverrideOut.model_validate(override) if override else None,
            )
        )
    return items


def to_out(row: Evaluation, name: str, audit: list[AuditOut] | None = None) -> EvaluationOut:
    checklist = checklist_out(row)
    return EvaluationOut(
        id=row.id,
        cluster_id=row.cluster_id,
        cluster_name=name,
        year=row.year,
        status=Status(row.status),
        facts=FactsOut.model_validate(row.facts),
        checklist=checklist,
        suggested_outcome=rules.suggested_outcome(i.verdict for i in checklist),
        assessment=row.assessment,
        outcome=Outcome(row.outcome) if row.outcome else None,
        decided_at=row.decided_at,
        version=row.version,
        created_at=row.created_at,
        audit=audit,
    )


def summary(row: Evaluation, name: str) -> EvaluationSummary:
    counts = dict.fromkeys(Verdict, 0)
    for item in checklist_out(row):
        counts[item.verdict] += 1
    return EvaluationSummary(
        id=row.id,
        cluster_id=row.cluster_id,
        cluster_name=name,
        year=row.year,
        as_of=row.as_of,
        status=Status(row.status),
        outcome=Outcome(row.outcome) if row.outcome else None,
        verdicts=counts,
    )


def _item_json(item: rules.CheckItem) -> dict[str, str]:
    return {
        "criterion": item.criterion.value,
        "verdict": item.verdict.value,
        "figure": item.figure,
        "text_nb": item.text_nb,
        "text_en": item.text_en,
    }


def _ensure_draft(row: Evaluation) -> None:
    if row.status == Status.DECIDED.value:
        raise Conflict(
            f"evaluation {row.id} was decided ({row.outcome}); it cannot change",
            detail_nb=f"evalueringen {row.id} er avgjort ({row.outcome}); den kan ikke endres",
            slug="evaluation-decided",
        )


def _audit(
    session: AsyncSession,
    evaluation_id: uuid.UUID,
    action: str,
    actor: str,
    now: datetime,
    details: dict[str, Any],
) -> None:
    session.add(
        EvaluationAudit(
            evaluation_id=evaluation_id,
            action=action,
            actor=actor,
            at=now,
            details=details,
        )
    )
