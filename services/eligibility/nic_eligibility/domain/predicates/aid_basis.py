"""Predicates on the legal basis of the aid: de minimis headroom or a GBER article's cap."""

from __future__ import annotations

from nic_eligibility.domain.aid import (
    caps_for,
    de_minimis_share_exceeds,
    effective_collaboration,
    sme_cost_share_at_least,
)
from nic_eligibility.domain.classify import is_sme, size_class
from nic_eligibility.domain.context import Context, oslo_date
from nic_eligibility.domain.engine import Verdict, check, failed, not_applicable, predicate
from nic_shared.events.intake import AidBasis


@predicate("aid_basis_allowed")
def aid_basis_allowed(ctx: Context) -> Verdict:
    """De minimis, or one of the GBER articles the call lists."""
    basis = ctx.content.aid_basis
    allowed = [AidBasis.DE_MINIMIS.value, *ctx.params.texts("gber_articles")]
    return check(basis is not None and basis.value in allowed, aid_basis=_basis(ctx))


@predicate("de_minimis_headroom")
def de_minimis_headroom(ctx: Context) -> Verdict:
    """Each cost bearer's declared headroom covers its share of the grant.

    Share = grant x own budget lines / all budget lines (the seed: the amount is split over
    the participants' own de minimis headroom).
    """
    if ctx.content.aid_basis is not AidBasis.DE_MINIMIS:
        return not_applicable(aid_basis=_basis(ctx))
    grant, total = ctx.content.requested_amount_nok, ctx.total_cost
    if grant is None or total == 0:
        return failed(requested_nok=grant, eligible_cost_nok=total, short=[])
    short = []
    for key, cost in ctx.costs.items():
        partner = ctx.partner(key)
        headroom = partner.de_minimis_headroom_nok if partner else None
        if de_minimis_share_exceeds(grant, cost, total, headroom):
            short.append(f"{key} (share {grant * cost // total}, headroom {headroom})")
    return check(not short, requested_nok=grant, eligible_cost_nok=total, short=short)


@predicate("gber_intensity_cap")
def gber_intensity_cap(ctx: Context) -> Verdict:
    """The grant fits the article's caps: sum over cost bearers of cap(size) x own cost."""
    basis = ctx.content.aid_basis
    if basis is None or basis is AidBasis.DE_MINIMIS:
        return not_applicable(aid_basis=_basis(ctx))
    on = oslo_date(ctx.input.deadline)
    try:
        caps = caps_for(basis, on)
    except LookupError:
        return failed(aid_basis=basis.value, caps_effective_from=None)
    smes = frozenset(k for k in ctx.costs if is_sme(ctx.partner(k), ctx.org(k)))
    collaboration = effective_collaboration(ctx.costs, smes)
    sme_share = sme_cost_share_at_least(ctx.costs, smes, caps.large_needs_sme_cost_share or 0)
    ceiling, used = 0, []
    for key, cost in ctx.costs.items():
        size = size_class(ctx.partner(key), ctx.org(key))
        cap = caps.cap(size, collaboration=collaboration, sme_cost_share=sme_share)
        ceiling += cap * cost
        used.append(f"{key} {size.value} {cap}%")
    requested = ctx.content.requested_amount_nok
    return check(
        requested is not None and requested * 100 <= ceiling,
        aid_basis=basis.value,
        caps_effective_from=caps.effective_from.isoformat(),
        requested_nok=requested,
        max_aid_nok=ceiling // 100,
        collaboration_bonus=collaboration,
        caps=used,
    )


def _basis(ctx: Context) -> str | None:
    basis = ctx.content.aid_basis
    return basis.value if basis else None
