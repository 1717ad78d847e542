"""What every use case shares: who may call, the call's scheme, marks in and out of storage,
and the domain's view of members and applications.

Access: applicants get 403 on every scoring endpoint (require() lets no applicant through);
panel members see only what is assigned to them (404 otherwise); officers see everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.domain.conflicts import ApplicationParties, PanelMember
from nic_scoring.domain.marks import InvalidMarksError, MarkRule
from nic_shared.auth import Principal, Role, require
from nic_shared.events.scoring import CriterionMark
from nic_shared.events.specs import ScoringSchemeSpec
from nic_shared.problems import Conflict, Forbidden, NotFound, UnprocessableContent
from nic_shared.scores import Score

Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
PanelOrOfficer = Annotated[Principal, Depends(require(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER))]
ClusterOrOfficer = Annotated[
    Principal, Depends(require(Role.CLUSTER_MANAGER, Role.PROGRAMME_OFFICER))
]
Staff = Annotated[
    Principal,
    Depends(
        require(Role.PROGRAMME_OFFICER, Role.PANEL_MEMBER, Role.CLUSTER_MANAGER, Role.OPERATIONS)
    ),
]


def is_officer(principal: Principal) -> bool:
    return principal.has_role(Role.PROGRAMME_OFFICER)


def member_id_of(principal: Principal) -> UUID:
    if principal.panel_member_id is None:
        raise Forbidden(
            "the token carries no panel_member claim",
            slug="panel-member-required",
            detail_nb="innloggingen mangler panel_member",
        )
    return principal.panel_member_id


class MarkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion_id: str = Field(min_length=1, max_length=64)
    mark: Decimal
    comment: str | None = Field(default=None, max_length=10_000)


class MarkOut(BaseModel):
    criterion_id: str
    mark: Score
    comment: str | None = None


def criterion_marks(marks: Iterable[MarkIn]) -> list[CriterionMark]:
    return [CriterionMark(criterion_id=m.criterion_id, mark=m.mark) for m in marks]


def stored_marks(marks: Sequence[MarkIn]) -> dict[str, Any]:
    """{criterion_id: {"mark": "5", "comment": ...}}: exact text, never a float."""
    return {m.criterion_id: {"mark": str(m.mark), "comment": m.comment} for m in marks}


def marks_out(scheme: ScoringSchemeSpec, stored: dict[str, Any]) -> list[MarkOut]:
    order = [c.id for c in scheme.criteria]
    keys = [k for k in order if k in stored] + sorted(set(stored) - set(order))
    return [
        MarkOut(criterion_id=k, mark=Decimal(stored[k]["mark"]), comment=stored[k].get("comment"))
        for k in keys
    ]


def decimal_marks(stored: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(v["mark"] if isinstance(v, dict) else v) for k, v in stored.items()}


def invalid_marks(error: InvalidMarksError, given: Sequence[MarkIn]) -> UnprocessableContent:
    """A 422 naming each bad mark by its place in the request body."""
    index: dict[str, int] = {}
    for i, mark in enumerate(given):
        index.setdefault(mark.criterion_id, i)
    errors = []
    for problem in error.problems:
        at = index.get(problem.criterion_id)
        if problem.rule is MarkRule.MISSING or at is None:
            where = "#/marks"
        elif problem.rule in (MarkRule.UNKNOWN_CRITERION, MarkRule.DUPLICATE):
            where = f"#/marks/{at}/criterion_id"
        else:
            where = f"#/marks/{at}/mark"
        detail = f"{problem.criterion_id}: {problem.detail}"
        errors.append({"pointer": where, "rule": str(problem.rule), "detail": detail})
    return UnprocessableContent(
        "; ".join(e["detail"] for e in errors),
        slug="invalid-marks",
        detail_nb="karakterene følger ikke utlysningens skala og kriterier",
        errors=errors,
    )


async def scheme_for(
    session: AsyncSession, call_id: UUID
) -> tuple[models.CallScheme, ScoringSchemeSpec]:
    row = await session.get(models.CallScheme, call_id)
    if row is None:
        raise Conflict(
            f"the scoring scheme of call {call_id} has not arrived yet",
            slug="scheme-unknown",
            detail_nb="utlysningens vurderingsskjema er ikke mottatt ennå",
        )
    return row, ScoringSchemeSpec.model_validate(row.scoring_scheme)


def parties(app: models.ScoringApplication) -> ApplicationParties:
    orgs = [app.applicant_org_number, *app.partner_org_numbers]
    return ApplicationParties(app.id, frozenset(o for o in orgs if o), app.cluster_id)


async def domain_members(
    session: AsyncSession, panel_id: UUID, member_ids: Iterable[UUID] | None = None
) -> dict[UUID, PanelMember]:
    """The panel's members with their affiliations and declared conflicts."""
    query = select(models.PanelMember).where(models.PanelMember.panel_id == panel_id)
    wanted = list(member_ids) if member_ids is not None else None
    if wanted is not None:
        query = query.where(models.PanelMember.member_id.in_(wanted))
    rows = (await session.scalars(query)).all()
    declared: dict[UUID, set[UUID]] = {}
    conflict_query = select(models.DeclaredConflict).where(
        models.DeclaredConflict.panel_id == panel_id
    )
    if wanted is not None:
        conflict_query = conflict_query.where(models.DeclaredConflict.member_id.in_(wanted))
    for c in (await session.scalars(conflict_query)).all():
        declared.setdefault(c.member_id, set()).add(c.application_id)
    return {
        r.member_id: PanelMember(
            r.member_id,
            frozenset(r.org_numbers),
            frozenset(UUID(c) for c in r.cluster_ids),
            frozenset(declared.get(r.member_id, set())),
        )
        for r in rows
    }


async def application(
    session: AsyncSession, application_id: UUID, *, lock: bool = False
) -> models.ScoringApplication:
    query = select(models.ScoringApplication).where(models.ScoringApplication.id == application_id)
    if lock:
        query = query.with_for_update()
    found = (await session.scalars(query)).one_or_none()
    if found is None:
        raise NotFound(f"no application {application_id} is known to scoring")
    return found


async def panel_of_call(session: AsyncSession, call_id: UUID) -> models.Panel | None:
    return (
        await session.scalars(select(models.Panel).where(models.Panel.call_id == call_id))
    ).one_or_none()


def not_assigned(application_id: UUID) -> NotFound:
    return NotFound(
        f"application {application_id} is not assigned to you",
        slug="not-assigned",
        detail_nb=f"søknad {application_id} er ikke tildelt deg",
    )
