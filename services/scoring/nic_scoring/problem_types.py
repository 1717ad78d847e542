"""Scoring's problem types with their nb/en titles (registered once, at import)."""

from __future__ import annotations

from typing import Any

from nic_shared.problems import problem_doc, register_titles

TITLES: dict[str, tuple[str, str]] = {
    "invalid-marks": ("Karakterene følger ikke skalaen", "The marks break the scoring scheme"),
    "not-assigned": (
        "Søknaden er ikke tildelt deg",
        "The application is not assigned to you",
    ),
    "panel-member-required": (
        "Innloggingen mangler panelmedlem",
        "The token carries no panel member",
    ),
    "cluster-required": ("Innloggingen mangler klynge", "The token carries no cluster"),
    "reviewer-conflicted": (
        "Panelmedlemmet er inhabilt",
        "The panel member has a conflict of interest",
    ),
    "already-assigned": ("Allerede tildelt", "Already assigned"),
    "panel-exists": ("Utlysningen har allerede et panel", "The call already has a panel"),
    "member-exists": ("Allerede medlem av panelet", "Already a member of the panel"),
    "scheme-unknown": (
        "Utlysningens vurderingsskjema er ikke mottatt",
        "The call's scoring scheme has not arrived",
    ),
    "application-not-scorable": (
        "Søknaden skal ikke vurderes av panelet",
        "The application is not before the panel",
    ),
    "review-submitted": ("Vurderingen er allerede sendt inn", "The review is already submitted"),
    "no-draft": ("Det finnes ingen kladd å sende inn", "There is no draft to submit"),
    "reviews-incomplete": (
        "Ikke alle tildelte vurderinger er sendt inn",
        "Not every assigned reviewer has submitted",
    ),
    "consensus-required": (
        "Denne utlysningen vurderes ved konsensus",
        "This call is scored by consensus",
    ),
    "consensus-not-required": (
        "Denne utlysningen har ikke konsensustrinn",
        "This call has no consensus step",
    ),
    "ranking-incomplete": (
        "Ikke alle søknader har et panelresultat",
        "Not every application has a panel result",
    ),
    "not-innovasjonsrammen": (
        "Klyngeprioritering gjelder bare Innovasjonsrammen",
        "Cluster prioritisation applies to Innovasjonsrammen only",
    ),
}

register_titles(TITLES)


SCORING_CONFLICTS: dict[int | str, dict[str, Any]] = {
    409: problem_doc(
        "The state does not allow it yet or any more: scheme not arrived, conflicted member, "
        "not scorable, ranking incomplete, or changed concurrently"
    )
}
