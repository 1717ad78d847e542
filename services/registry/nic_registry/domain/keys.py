"""Organisation keys: a Norwegian organisation number, or `CC:id` for a foreign organisation."""

from __future__ import annotations

from nic_shared import orgnr
from nic_shared.patterns import ORGANISATION_KEY

KEY_PATTERN = ORGANISATION_KEY
KEY_MAX_LENGTH = 80


def is_norwegian_shape(key: str) -> bool:
    """Nine digits once spaces are dropped: only the check digit can still be wrong."""
    cleaned = key.replace(" ", "")
    return len(cleaned) == 9 and cleaned.isascii() and cleaned.isdigit()


def norwegian_key(org_number: str) -> str:
    """The key for a Norwegian organisation; spaces are stripped, the MOD11 digit checked."""
    cleaned = org_number.replace(" ", "")
    orgnr.validate(cleaned)
    return cleaned


def country_code(country: str) -> str:
    """An ISO 3166 alpha-2 code, upper-cased; Norway is refused (use the organisation number)."""
    cc = country.strip().upper()
    if len(cc) != 2 or not cc.isascii() or not cc.isalpha():
        raise ValueError("a country is a two-letter ISO 3166 code")
    if cc == "NO":
        raise ValueError("a Norwegian organisation is keyed by its organisation number")
    return cc


def foreign_identifier(foreign_id: str) -> str:
    ident = foreign_id.strip()
    if not ident or ":" in ident:
        raise ValueError("a foreign id is non-empty and has no ':'")
    return ident


def foreign_key(country: str, foreign_id: str) -> str:
    """`CC:id`, as FactsQuery writes foreign ids."""
    return f"{country_code(country)}:{foreign_identifier(foreign_id)}"


def is_foreign(key: str) -> bool:
    return ":" in key
