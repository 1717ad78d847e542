"""Eligibility's problem types with their nb/en titles (registered once, at import)."""

from __future__ import annotations

from nic_shared.problems import register_titles

TITLES: dict[str, tuple[str, str]] = {
    "assessment-closed": ("Vurderingen er lukket", "The assessment is closed"),
    "assessment-superseded": (
        "Vurderingen gjelder en eldre versjon",
        "The assessment is of an earlier version",
    ),
    "override-unchanged": (
        "Overstyringen endrer ikke utfallet",
        "The override does not change the outcome",
    ),
    "registry-unavailable": (
        "Registeret svarer ikke nå",
        "The registry cannot answer now",
    ),
    "rule-set-unavailable": (
        "Utlysningens regelsett kan ikke brukes",
        "The call's rule set cannot be used",
    ),
}

register_titles(TITLES)
