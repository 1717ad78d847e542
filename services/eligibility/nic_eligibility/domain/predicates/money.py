"""Predicates on the amount: grant limits and aid intensity, all in integer kroner.

Intensity is compared as `requested x 100 <= percent x cost`, so 50.0 % passes and
50.1 % fails without any rounding.
"""

from __future__ import annotations

from nic_eligibility.domain.aid import intensity_text
from nic_eligibility.domain.context import Context
from nic_eligibility.domain.engine import Verdict, check, not_applicable, predicate


@predicate("grant_within_max")
def grant_within_max(ctx: Context) -> Verdict:
    """Not applicable when the call sets no maximum."""
    requested, high = ctx.content.requested_amount_nok, ctx.params.optional_integer("max_grant_nok")
    if high is None:
        return not_applicable(requested_nok=requested)
    return check(requested is not None and requested <= high, requested_nok=requested)


@predicate("grant_within_range")
def grant_within_range(ctx: Context) -> Verdict:
    """Either end may be open; not applicable when the call sets neither."""
    requested = ctx.content.requested_amount_nok
    low = ctx.params.optional_integer("grant_min_nok")
    high = ctx.params.optional_integer("grant_max_nok")
    if low is None and high is None:
        return not_applicable(requested_nok=requested)
    inside = (
        requested is not None
        and (low is None or low <= requested)
        and (high is None or requested <= high)
    )
    return check(inside, requested_nok=requested)


def _within(requested: int | None, cost: int, percent: int) -> bool:
    return requested is not None and cost > 0 and requested * 100 <= percent * cost


@predicate("aid_intensity_within_max")
def aid_intensity_within_max(ctx: Context) -> Verdict:
    """Requested grant as a share of the total eligible cost (all budget lines)."""
    requested, cost = ctx.content.requested_amount_nok, ctx.total_cost
    percent = ctx.params.integer("max_aid_intensity_percent")
    return check(
        _within(requested, cost, percent),
        requested_nok=requested,
        eligible_cost_nok=cost,
        intensity_percent=intensity_text(requested or 0, cost),
    )


@predicate("foreign_partners_unfunded")
def foreign_partners_unfunded(ctx: Context) -> Verdict:
    """Foreign companies get no support: the grant must fit within the maximum intensity
    of the Norwegian participants' costs alone, so no krone of it can cover a foreign cost."""
    foreign = sorted(ctx.foreign_keys)
    if not foreign:
        return not_applicable(foreign_partners=[])
    requested = ctx.content.requested_amount_nok
    norwegian = sum(cost for key, cost in ctx.costs.items() if key not in ctx.foreign_keys)
    percent = ctx.params.integer("max_aid_intensity_percent")
    return check(
        _within(requested, norwegian, percent),
        foreign_partners=foreign,
        requested_nok=requested,
        norwegian_cost_nok=norwegian,
        intensity_percent=intensity_text(requested or 0, norwegian),
    )
