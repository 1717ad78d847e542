"""Predicates every call shares: timeliness, registry status, and the formal parts."""

from __future__ import annotations

from nic_eligibility.domain.context import OSLO, Context
from nic_eligibility.domain.engine import Verdict, check, not_applicable, predicate

DEVELOPMENT_PROJECT_WORDS = ("utviklingsprosjekt", "development project")


@predicate("submitted_by_deadline")
def submitted_by_deadline(ctx: Context) -> Verdict:
    """On time means strictly before the deadline instant (16:00 is 16:00:00 Oslo time).

    A submission at the deadline instant is late, as intake counts it: both services must
    agree on which side of the line an application falls.
    """
    data = ctx.input
    return check(
        data.submitted_at < data.deadline,
        submitted_at=data.submitted_at.astimezone(OSLO).isoformat(timespec="seconds"),
        deadline=data.deadline.astimezone(OSLO).isoformat(timespec="seconds"),
    )


@predicate("organisations_known")
def organisations_known(ctx: Context) -> Verdict:
    """Every Norwegian organisation number must be in the registry; foreign ids need not be."""
    unknown = [k for k in ctx.involved if ":" not in k and not ctx.org(k).known]
    unverified = [k for k in ctx.involved if ":" in k and not ctx.org(k).known]
    return check(not unknown, unknown=unknown, foreign_unverified=unverified)


@predicate("organisations_active")
def organisations_active(ctx: Context) -> Verdict:
    """No organisation may be bankrupt, being wound up or deleted."""
    inactive: list[str] = []
    for key in ctx.involved:
        facts = ctx.org(key)
        states = [
            name
            for name, flag in (
                ("bankrupt", facts.bankrupt),
                ("winding_up", facts.winding_up),
                ("deleted", facts.deleted),
            )
            if flag
        ]
        if states:
            inactive.append(f"{key} ({', '.join(states)})")
    return check(not inactive, inactive=inactive)


@predicate("contact_person_named")
def contact_person_named(ctx: Context) -> Verdict:
    person = ctx.content.contact_person
    return check(person is not None, contact_person=person.name if person else None)


def _has_plan(ctx: Context) -> bool:
    text = (ctx.content.implementation_plan or "").strip()
    attached = any(a.kind == "implementation_plan" for a in ctx.content.attachments)
    return bool(text) or attached


@predicate("implementation_plan_present")
def implementation_plan_present(ctx: Context) -> Verdict:
    """A plan as text or as an attachment of kind `implementation_plan`."""
    return check(_has_plan(ctx), implementation_plan=_has_plan(ctx))


@predicate("development_projects_in_plan")
def development_projects_in_plan(ctx: Context) -> Verdict:
    """Arena Pro only: the plan text names development projects; a person confirms the rest.

    A machine can only spot the words, so the rule using this predicate is soft.
    """
    if ctx.params.text("level") != "arena_pro":
        return not_applicable(level=ctx.params.text("level"))
    text = (ctx.content.implementation_plan or "").casefold()
    found = [w for w in DEVELOPMENT_PROJECT_WORDS if w in text]
    return check(bool(found), level="arena_pro", words_found=found)


@predicate("objective_chosen")
def objective_chosen(ctx: Context) -> Verdict:
    """At least one of the call's objectives is among the application's objectives."""
    allowed = ctx.params.texts("objectives")
    chosen = sorted(set(ctx.content.objectives) & set(allowed))
    return check(bool(chosen), chosen=chosen, allowed=allowed)
