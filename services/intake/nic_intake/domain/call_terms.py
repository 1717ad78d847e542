"""A call's terms: its scheme template merged with the call's own overrides, then validated.

Templates give defaults per scheme; each call may change any value. The grant limits and the
aid intensity are stated once at the top level and copied into the rule set's parameters
(the "mirrors"), so eligibility can never check a different limit than the call announces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nic_intake.domain.parts import is_known_part
from nic_intake.domain.priority import ProposalLimits
from nic_shared.events.intake import CallPublished
from nic_shared.events.specs import LocalText, RuleParameter, RuleSetSpec, Scheme, ScoringSchemeSpec
from nic_shared.money import Nok, Percent


@dataclass(frozen=True)
class CallTerms:
    """Everything a call fixes about applications: form, money limits, rules and scoring."""

    scheme: Scheme
    required_parts: tuple[str, ...]
    grant_min_nok: int | None
    grant_max_nok: int | None
    max_aid_intensity_percent: int
    rule_set: RuleSetSpec
    scoring_scheme: ScoringSchemeSpec
    proposal_limits: ProposalLimits | None = None
    parameter_mirrors: Mapping[str, str] = field(default_factory=dict)
    """Top-level field name -> rule-set parameter that must carry the same value."""


class CallConfigError(ValueError):
    """A call's terms are inconsistent; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class CallOverrides(BaseModel):
    """Per-call changes to a template. A field left out keeps the template's value; a field
    given as None clears it (e.g. a call without a minimum grant)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required_parts: list[str] | None = None
    grant_min_nok: Nok | None = None
    grant_max_nok: Nok | None = None
    max_aid_intensity_percent: Percent | None = None
    rule_set_version: int | None = Field(default=None, ge=1)
    rule_set_parameters: dict[str, RuleParameter] | None = None
    scoring_scheme: ScoringSchemeSpec | None = None
    proposal_limits_min: int | None = None
    proposal_limits_max: int | None = None


def configure_call(
    template: CallTerms, overrides: CallOverrides | Mapping[str, Any] | None = None
) -> CallTerms:
    """The template with the overrides applied; raises CallConfigError listing every problem."""
    if overrides is None:
        overrides = CallOverrides()
    elif not isinstance(overrides, CallOverrides):
        overrides = CallOverrides.model_validate(overrides)
    given = overrides.model_fields_set
    problems: list[str] = []

    changes: dict[str, Any] = {}
    for name in ("grant_min_nok", "grant_max_nok"):
        if name in given:
            changes[name] = getattr(overrides, name)
    for name in ("max_aid_intensity_percent", "scoring_scheme"):
        if getattr(overrides, name) is not None:
            changes[name] = getattr(overrides, name)
        elif name in given:
            problems.append(f"{name} cannot be cleared")
    if overrides.required_parts is not None:
        changes["required_parts"] = tuple(overrides.required_parts)
    terms = replace(template, **changes)

    limits, limit_problems = _proposal_limits(terms.proposal_limits, overrides)
    problems += limit_problems
    rule_set, rule_problems = _rule_set(terms, overrides)
    problems += rule_problems
    terms = replace(terms, rule_set=rule_set, proposal_limits=limits)

    problems += terms_problems(terms)
    if problems:
        raise CallConfigError(problems)
    return terms


def terms_problems(terms: CallTerms) -> list[str]:
    """Every inconsistency in a call's terms; empty when the terms are sound."""
    problems: list[str] = []
    lo, hi = terms.grant_min_nok, terms.grant_max_nok
    if lo is not None and hi is not None and lo > hi:
        problems.append(f"grant_min_nok {lo} is above grant_max_nok {hi}")
    if hi is not None and hi <= 0:
        problems.append("grant_max_nok must be positive")
    if not 1 <= terms.max_aid_intensity_percent <= 100:
        problems.append("max_aid_intensity_percent must lie in 1..100")
    if not terms.required_parts:
        problems.append("a call requires at least one part")
    unknown = [p for p in terms.required_parts if not is_known_part(p)]
    if unknown:
        problems.append(f"unknown required parts: {unknown}")
    if len(set(terms.required_parts)) != len(terms.required_parts):
        problems.append("required parts are listed twice")
    for name, parameter in terms.parameter_mirrors.items():
        value = getattr(terms, name)
        if terms.rule_set.parameters.get(parameter) != value:
            problems.append(f"rule parameter {parameter} differs from {name}")
    return problems


def _proposal_limits(
    current: ProposalLimits | None, overrides: CallOverrides
) -> tuple[ProposalLimits | None, list[str]]:
    lo, hi = overrides.proposal_limits_min, overrides.proposal_limits_max
    if lo is None and hi is None:
        return current, []
    base = current or ProposalLimits()
    try:
        return ProposalLimits(
            minimum=base.minimum if lo is None else lo, maximum=base.maximum if hi is None else hi
        ), []
    except ValueError as exc:
        return current, [str(exc)]


def _rule_set(terms: CallTerms, overrides: CallOverrides) -> tuple[RuleSetSpec, list[str]]:
    """Merge parameter overrides key by key, then copy the mirrored top-level values in."""
    problems: list[str] = []
    parameters = dict(terms.rule_set.parameters)
    explicit = overrides.rule_set_parameters or {}
    parameters.update(explicit)
    for name, parameter in terms.parameter_mirrors.items():
        value = getattr(terms, name)
        if parameter in explicit and explicit[parameter] != value:
            problems.append(f"set {name} instead of rule parameter {parameter}")
        if value is None:
            parameters.pop(parameter, None)
        else:
            parameters[parameter] = value
    version = overrides.rule_set_version or terms.rule_set.version
    update = {"parameters": parameters, "version": version}
    return terms.rule_set.model_copy(update=update), problems


def publish_call(
    terms: CallTerms,
    *,
    call_id: UUID,
    code: str,
    title: LocalText,
    opens_at: datetime,
    deadline: datetime,
    budget_frame_nok: int,
) -> CallPublished:
    """The event announcing a call; refuses naive or inverted submission windows."""
    if opens_at.tzinfo is None or deadline.tzinfo is None:
        raise CallConfigError(["opens_at and deadline must be timezone-aware instants"])
    if opens_at >= deadline:
        raise CallConfigError(["opens_at must be before the deadline"])
    return CallPublished(
        call_id=call_id,
        code=code,
        scheme=terms.scheme,
        title_nb=title.nb,
        title_en=title.en,
        opens_at=opens_at,
        deadline=deadline,
        budget_frame_nok=budget_frame_nok,
        grant_min_nok=terms.grant_min_nok,
        grant_max_nok=terms.grant_max_nok,
        max_aid_intensity_percent=terms.max_aid_intensity_percent,
        required_parts=list(terms.required_parts),
        rule_set=terms.rule_set,
        scoring_scheme=terms.scoring_scheme,
    )
