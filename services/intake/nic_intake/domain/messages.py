"""The applicant-facing nb/en texts of the completeness rules, keyed by rule id.

One catalogue keeps rule ids and wording together, so a new rule cannot ship without both
languages and the tests can check that every rule id used has a text.
"""

from __future__ import annotations

from typing import Final

from nic_intake.domain.draft import Problem
from nic_shared.events.specs import LocalText

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "required_part_missing": (
        "Søknaden mangler en påkrevd del: {part}.",
        "The application lacks a required part: {part}.",
    ),
    "attachment_missing": (
        "Vedlegg av typen «{kind}» mangler.",
        "An attachment of kind '{kind}' is missing.",
    ),
    "project_end_not_after_start": (
        "Prosjektets sluttdato må være etter startdatoen.",
        "The project must end after it starts.",
    ),
    "partner_duplicate": (
        "Partneren {key} er oppført mer enn én gang.",
        "Partner {key} is listed more than once.",
    ),
    "project_owner_not_partner": (
        "Prosjekteier {key} må være en av partnerne.",
        "Project owner {key} must be one of the partners.",
    ),
    "owner_role_mismatch": (
        "Rollen «prosjekteier» må gis til prosjekteieren og bare til den ({key}).",
        "The owner role must be held by the project owner and by no one else ({key}).",
    ),
    "budget_unknown_partner": (
        "Budsjettlinjen viser til en ukjent partner: {key}.",
        "The budget line refers to an unknown partner: {key}.",
    ),
    "budget_year_outside_period": (
        "Budsjettåret ligger utenfor prosjektperioden.",
        "The budget year lies outside the project period.",
    ),
    "requested_amount_not_positive": (
        "Søknadsbeløpet må være større enn 0 kr.",
        "The requested amount must be more than NOK 0.",
    ),
    "requested_amount_above_budget": (
        "Søknadsbeløpet kan ikke være større enn totalbudsjettet ({total} kr).",
        "The requested amount cannot exceed the total budget (NOK {total}).",
    ),
    "objective_unknown": (
        "Ukjent målsetning for denne utlysningen: {value}.",
        "Unknown objective for this call: {value}.",
    ),
    "de_minimis_headroom_missing": (
        "Ved bagatellmessig støtte må {key} oppgi tilgjengelig bagatellramme.",
        "Under de minimis aid, {key} must state its available de minimis headroom.",
    ),
}


def problem(rule: str, where: str, **values: object) -> Problem:
    """A Problem for ``rule`` at ``where`` with its nb/en text filled in."""
    nb, en = MESSAGES[rule]
    return Problem(where, rule, LocalText(nb=nb.format(**values), en=en.format(**values)))
