"""Predicates on who takes part: companies, public and research actors, independence, SMEs."""

from __future__ import annotations

from itertools import combinations

from nic_eligibility.domain.classify import (
    is_company,
    is_public_body,
    is_public_controlled,
    is_research,
    is_sme,
)
from nic_eligibility.domain.context import Context
from nic_eligibility.domain.engine import Verdict, check, predicate
from nic_shared.events.intake import Partner


def _is_cluster_organisation(ctx: Context, key: str) -> bool:
    cluster = ctx.cluster
    return cluster is not None and cluster.facilitator_org_number == key


def _companies(ctx: Context) -> list[Partner]:
    """Partners that are companies, the cluster organisation excepted."""
    return [
        p
        for p in ctx.partners
        if is_company(p, ctx.org(p.key)) and not _is_cluster_organisation(ctx, p.key)
    ]


@predicate("min_companies")
def min_companies(ctx: Context) -> Verdict:
    """Companies, foreign ones included: they may take part, they only get no money."""
    companies = [p.key for p in _companies(ctx)]
    need = ctx.params.integer("min_companies")
    return check(len(companies) >= need, companies=companies, count=len(companies))


@predicate("min_registered_companies")
def min_registered_companies(ctx: Context) -> Verdict:
    """Companies with established business registered in Foretaksregisteret."""
    registered = [
        p.key for p in _companies(ctx) if ctx.org(p.key).registered_in_foretaksregisteret is True
    ]
    need = ctx.params.integer("min_companies")
    return check(len(registered) >= need, registered=registered, count=len(registered))


def _why_not_private(ctx: Context, partner: Partner) -> str | None:
    facts = ctx.org(partner.key)
    if is_research(partner, facts):
        return "research_or_education"
    if is_public_body(partner, facts):
        return "public"
    if is_public_controlled(facts):
        return "public_enterprise"
    if _is_cluster_organisation(ctx, partner.key):
        return "cluster_organisation"
    if not is_company(partner, facts):
        return "not_a_company"
    return None


@predicate("partners_private_companies")
def partners_private_companies(ctx: Context) -> Verdict:
    """Every partner a private company: no public, research or cluster organisation."""
    offenders = [
        f"{p.key} ({reason})" for p in ctx.partners if (reason := _why_not_private(ctx, p))
    ]
    return check(not offenders, offenders=offenders)


@predicate("partners_independent")
def partners_independent(ctx: Context) -> Verdict:
    """No common ownership: no two partners share a parent, neither owns the other."""
    parent = {p.key: ctx.org(p.key).parent_org_number for p in ctx.partners}
    linked = [
        f"{a}+{b}"
        for a, b in combinations(sorted(parent), 2)
        if (parent[a] is not None and parent[a] == parent[b]) or parent[a] == b or parent[b] == a
    ]
    return check(not linked, linked=linked)


@predicate("sme_share")
def sme_share(ctx: Context) -> Verdict:
    """SMEs among all participants, foreign ones included; exactly the share passes."""
    smes = [p.key for p in ctx.partners if is_sme(p, ctx.org(p.key))]
    total = len(ctx.partners)
    need = ctx.params.integer("min_sme_share_percent")
    return check(
        total > 0 and len(smes) * 100 >= need * total,
        smes=smes,
        sme_count=len(smes),
        participants=total,
    )


@predicate("owner_not_public_or_research")
def owner_not_public_or_research(ctx: Context) -> Verdict:
    """Public actors and research institutes may take part, but not own the project."""
    key = ctx.owner
    partner, facts = ctx.partner(key), ctx.org(key)
    public, research = is_public_body(partner, facts), is_research(partner, facts)
    return check(not (public or research), owner=key, public=public, research=research)
