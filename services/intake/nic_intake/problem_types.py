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
    "attachment-limit": (
        "Vedleggsgrensen for søknaden er nådd",
        "The application's attachment limit is reached",
    ),
    "submission-rate-limited": (
        "Søknaden er sendt inn for mange ganger den siste timen",
        "The application was submitted too often in the last hour",
    ),
    "attachment-infected": ("Vedlegget inneholder skadevare", "The attachment carries malware"),
    "attachment-unscanned": (
        "Vedlegget er ikke virusskannet",
        "The attachment has not been scanned for malware",
    ),
    "scanner-unavailable": ("Virusskanneren svarer ikke", "The virus scanner does not answer"),
    "already-member": ("Partneren er allerede med", "The partner has already joined"),
    "invitation-used": ("Invitasjonen er brukt", "The invitation was already used"),
    "info-request-closed": ("Forespørselen er lukket", "The request for information is closed"),
    "attachment-submitted": (
        "Vedlegget hører til en innsendt versjon",
        "The attachment is part of a submitted version",
    ),
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
    "not-in-ranking": (
        "Søknaden er ikke med i den publiserte rangeringen",
        "The application is not in the published ranking",
    ),
    "no-ranking": ("Ingen rangering er publisert", "No ranking has been published"),
    "amount-above-recommendation": (
        "Beløpet er over innstillingen uten begrunnelse",
        "The amount is above the recommendation without a reason",
    ),
    "amount-above-frame": (
        "Beløpet går over budsjettrammen",
        "The amount exceeds the budget frame",
    ),
    "amount-only-when-granted": (
        "Bare et tilsagn har et beløp",
        "Only a granted decision has an amount",
    ),
    "amount-positive": ("Et tilsagn har et beløp over 0", "A grant has an amount above 0"),
    "four-eyes": (
        "Vedtaket må godkjennes av en annen saksbehandler",
        "A second officer must approve the decision",
    ),
    "decision-version-stale": (
        "Vedtaket er endret siden du leste det",
        "The decision changed since you read it",
    ),
    "decision-approved": ("Vedtaket er allerede godkjent", "The decision is already approved"),
    "answer-only-when-granted": (
        "Bare et tilsagn kan aksepteres eller avslås",
        "Only a grant can be accepted or declined",
    ),
    "answered-once": ("Tilsagnet er allerede besvart", "The grant has already been answered"),
    "acceptance-deadline": ("Svarfristen er passert", "The acceptance deadline has passed"),
    "decision-pending": (
        "En ny versjon av vedtaket er under arbeid",
        "A new version of the decision is being prepared",
    ),
    "nothing-to-publish": ("Ingen tilsagn å publisere", "No grants to publish"),
    "call-document-type-refused": (
        "Dokumenttypen er ikke tillatt",
        "The document's content type is not allowed",
    ),
    "call-document-empty": ("Dokumentet er tomt", "The document is empty"),
}

register_titles(TITLES)
