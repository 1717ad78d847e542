"""Intake's problem types with their nb/en titles (registered once, at import)."""

from __future__ import annotations

from nic_shared.problems import register_titles

TITLES: dict[str, tuple[str, str]] = {
    "deadline-passed": ("Søknadsfristen er passert", "The deadline has passed"),
    "call-not-open": ("Utlysningen er ikke åpen", "The call is not open"),
    "call-not-published": ("Utlysningen er ikke publisert", "The call is not published"),
    "deadline-extension-refused": (
        "Fristen kan ikke forlenges",
        "The deadline cannot be extended",
    ),
    "application-incomplete": ("Søknaden er ikke komplett", "The application is incomplete"),
    "application-withdrawn": ("Søknaden er trukket", "The application is withdrawn"),
    "application-not-editable": (
        "Søknaden kan ikke endres nå",
        "The application cannot be changed now",
    ),
    "not-submitted": ("Søknaden er ikke sendt inn", "The application has not been submitted"),
    "funding-recommended": (
        "Det finnes allerede en innstilling om finansiering",
        "A funding recommendation exists",
    ),
    "organisation-required": (
        "Innloggingen mangler organisasjon",
        "The token carries no organisation",
    ),
    "cluster-required": ("Innloggingen mangler klynge", "The token carries no cluster"),
    "idempotency-key-required": ("Idempotency-Key mangler", "Idempotency-Key is required"),
    "attachment-type-refused": (
        "Vedleggstypen er ikke tillatt",
        "The attachment's content type is not allowed",
    ),
    "not-two-stage": (
        "Utlysningen har ikke klyngeprioritering",
        "The call has no cluster prioritisation",
    ),
    "priority-count": ("Feil antall prioriterte forslag", "Wrong number of ranked proposals"),
    "priority-duplicate": ("Et forslag er rangert to ganger", "A proposal is ranked twice"),
    "priority-already-submitted": (
        "Klyngen har allerede sendt sin prioritering",
        "The cluster has already sent its priority list",
    ),
}

register_titles(TITLES)
