"""Domain errors; the API maps each class to one HTTP status, so the classes carry the meaning."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the registry's domain refuses."""


class InvalidPeriod(DomainError, ValueError):
    """A period that cannot exist, e.g. ending before it starts (API: 422)."""


class PeriodConflict(DomainError):
    """A period that collides with one already held, e.g. two levels at once (API: 409)."""


class BrregFormatError(DomainError, ValueError):
    """An Enhetsregisteret body lacking what every real response has (API: 502 upstream)."""
