"""A call's completeness rules: is this draft ready to submit, and if not, what is wrong?

All problems are reported at once, each with a JSON pointer, so the applicant fixes the form
in one pass. Completeness covers required parts and structural consistency only; whether
the amounts and partners qualify (grant within the call's limits, SME share, membership) is
eligibility's decision after submission.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nic_intake.domain.call_terms import CallTerms
from nic_intake.domain.draft import ParsedDraft, Problem, parse_draft, pointer
from nic_intake.domain.messages import problem
from nic_intake.domain.parts import PART_FIELDS, attachment_kind
from nic_shared.events.intake import AidBasis, ApplicationContent, CallPublished, PartnerRole

ALWAYS_REQUIRED = ("title",)
"""The shared content model cannot be built without a title, whatever the call says."""

_LIST_FIELDS = frozenset({"partners", "budget", "attachments", "objectives"})
_COMPANY_ROLES = frozenset({PartnerRole.OWNER, PartnerRole.PARTNER})


@dataclass(frozen=True, slots=True)
class CompletenessRules:
    """What a call demands of a draft: its required parts and its objective vocabulary."""

    required_parts: tuple[str, ...]
    allowed_objectives: frozenset[str] | None = None

    @classmethod
    def from_terms(cls, terms: CallTerms) -> CompletenessRules:
        return cls(tuple(terms.required_parts), _objectives(terms.rule_set.parameters))

    @classmethod
    def from_call(cls, call: CallPublished) -> CompletenessRules:
        return cls(tuple(call.required_parts), _objectives(call.rule_set.parameters))


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    problems: tuple[Problem, ...]

    @property
    def is_complete(self) -> bool:
        return not self.problems

    def rules_broken(self) -> set[str]:
        return {p.rule for p in self.problems}

    def pointers(self) -> set[str]:
        return {p.pointer for p in self.problems}


def check_completeness(
    draft: Mapping[str, Any] | ApplicationContent, rules: CompletenessRules
) -> CompletenessReport:
    """Every missing or invalid part of the draft; empty when it may be submitted."""
    parsed = parse_draft(draft)
    found = [*parsed.problems, *_missing_parts(parsed, rules)]
    for check in _STRUCTURAL:
        found.extend(check(parsed, rules))
    return CompletenessReport(tuple(found))


def _objectives(parameters: Mapping[str, object]) -> frozenset[str] | None:
    value = parameters.get("objectives")
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return None


def _present(parsed: ParsedDraft, name: str) -> bool:
    if name in parsed.invalid:
        return True  # present but wrong: already reported as invalid_value
    if name in _LIST_FIELDS:
        value = parsed.raw.get(name)
        return isinstance(value, list) and bool(value)
    value = parsed.scalars.get(name)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _missing_parts(parsed: ParsedDraft, rules: CompletenessRules) -> Iterator[Problem]:
    parts = dict.fromkeys((*ALWAYS_REQUIRED, *rules.required_parts))
    for part in parts:
        kind = attachment_kind(part)
        if kind is not None:
            if not any(a.kind == kind for _, a in parsed.attachments):
                yield problem("attachment_missing", pointer("attachments"), kind=kind)
            continue
        for name in PART_FIELDS.get(part, ()):
            if not _present(parsed, name):
                yield problem("required_part_missing", pointer(name), part=part)


def _period(parsed: ParsedDraft, _: CompletenessRules) -> Iterator[Problem]:
    start, end = parsed.day("project_start"), parsed.day("project_end")
    if start is not None and end is not None and end <= start:
        yield problem("project_end_not_after_start", pointer("project_end"))


def _partners(parsed: ParsedDraft, _: CompletenessRules) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, partner in parsed.partners:
        if partner.key in seen:
            yield problem("partner_duplicate", pointer("partners", index), key=partner.key)
        seen.add(partner.key)
    owner = parsed.project_owner
    if owner is None or not owner.strip():
        return
    if owner not in seen and parsed.fully_valid("partners"):
        yield problem("project_owner_not_partner", pointer("project_owner"), key=owner)
    for index, partner in parsed.partners:
        if (partner.key == owner) != (partner.role is PartnerRole.OWNER):
            yield problem(
                "owner_role_mismatch", pointer("partners", index, "role"), key=partner.key
            )


def _budget(parsed: ParsedDraft, _: CompletenessRules) -> Iterator[Problem]:
    keys = {p.key for _, p in parsed.partners}
    check_refs = parsed.fully_valid("partners")
    start, end = parsed.day("project_start"), parsed.day("project_end")
    for index, line in parsed.budget:
        if check_refs and line.partner not in keys:
            yield problem(
                "budget_unknown_partner", pointer("budget", index, "partner"), key=line.partner
            )
        if start is not None and end is not None and not start.year <= line.year <= end.year:
            yield problem("budget_year_outside_period", pointer("budget", index, "year"))


def _requested(parsed: ParsedDraft, _: CompletenessRules) -> Iterator[Problem]:
    requested = parsed.requested_amount_nok
    if requested is None:
        return
    where = pointer("requested_amount_nok")
    if requested <= 0:
        yield problem("requested_amount_not_positive", where)
        return
    if parsed.budget and parsed.fully_valid("budget"):
        total = sum(line.amount_nok for _, line in parsed.budget)
        if requested > total:
            yield problem("requested_amount_above_budget", where, total=total)


def _objectives_known(parsed: ParsedDraft, rules: CompletenessRules) -> Iterator[Problem]:
    if rules.allowed_objectives is None:
        return
    for index, objective in parsed.objectives:
        if objective not in rules.allowed_objectives:
            yield problem("objective_unknown", pointer("objectives", index), value=objective)


def _de_minimis(parsed: ParsedDraft, _: CompletenessRules) -> Iterator[Problem]:
    """Seed 004: under de minimis each company confirms its own available headroom."""
    if parsed.aid_basis is not AidBasis.DE_MINIMIS:
        return
    for index, partner in parsed.partners:
        norwegian_company = partner.role in _COMPANY_ROLES and partner.org_number is not None
        if norwegian_company and partner.de_minimis_headroom_nok is None:
            yield problem(
                "de_minimis_headroom_missing",
                pointer("partners", index, "de_minimis_headroom_nok"),
                key=partner.key,
            )


_STRUCTURAL = (_period, _partners, _budget, _requested, _objectives_known, _de_minimis)
