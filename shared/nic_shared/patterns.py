"""Regular expressions (and one schema fragment) for the OpenAPI documents: calendar dates and Oslo wall-clock times,
exact to the day (month lengths and leap years), so a schema-valid date is one the server
parses. ECMA-262 and Python read them alike: no `\\d` (Python's matches every Unicode
digit), no lookarounds (client generators and Hypothesis handle them poorly)."""

from __future__ import annotations

from pydantic.config import JsonDict

_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)"
    "|(?:0[13578]|1[02])-31)"
)
"""Every month-day but 29 February."""

_ANY_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_ANY_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
"""0001-9999 (year 0 does not exist), and their leap years (by 4, centuries by 400)."""

_PLAUSIBLE_YEAR = "(?:19[0-9]{2}|20[0-9]{2}|2100)"
_PLAUSIBLE_LEAP_YEAR = "(?:(?:19|20)(?:0[48]|[2468][048]|[13579][26])|2000)"
"""1900-2100 (nic_shared.dates), and their leap years (1900 and 2100 are not)."""


def _date(year: str, leap_year: str) -> str:
    return f"(?:{year}-{_MONTH_DAY}|{leap_year}-02-29)"


DATE = f"^{_date(_ANY_YEAR, _ANY_LEAP_YEAR)}$"
"""An ISO calendar date that exists, years 0001-9999."""

PLAUSIBLE_DATE = f"^{_date(_PLAUSIBLE_YEAR, _PLAUSIBLE_LEAP_YEAR)}$"
"""An ISO calendar date that exists, from 1900-01-01 to 2100-12-31."""

LOCAL_TIME = f"^{_date(_ANY_YEAR, _ANY_LEAP_YEAR)}T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$"
"""A wall-clock time without offset, to the minute or the second: `2023-09-01T16:00`."""

ORG_NUMBER = "^[0-9]{9}$"
"""A Norwegian organisation number's shape; its MOD11 check digit is a rule of its own."""

_FOREIGN_ID = "[!-9;-~]+(?: [!-9;-~]+)*"
FOREIGN_ID = f"^{_FOREIGN_ID}$"
"""A foreign organisation's own id: visible ASCII but `:`, single spaces between."""

ORGANISATION_KEY = (
    rf"^(?:(?: *[0-9]){{9}} *|(?:[A-MO-Za-mo-z][A-Za-z]|[Nn][A-NP-Za-np-z]):{_FOREIGN_ID})$"
)
"""A registry key: nine digits (spaces between are dropped), or a country other than Norway,
a colon and an id with something but spaces; a Norwegian key's check digit is `mod11`."""

_DIGITS = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
DECIMAL = rf"^[+-]?{_DIGITS}$"
"""A decimal number written as a string (`"4.5"`), as Python's Decimal reads one; no NaN."""
NON_NEGATIVE_DECIMAL = rf"^[+]?{_DIGITS}$"
"""The same without a minus sign, for a Decimal with a minimum of 0 or more."""

AWARE_TIME = (
    f"^{_date(_ANY_YEAR, _ANY_LEAP_YEAR)}T(?:[01][0-9]|2[0-3]):[0-5][0-9]"
    "(?::[0-5][0-9](?:[.][0-9]{1,6})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
"""An instant: a date and time with its zone, `2026-11-23T10:00:00+00:00` or `...Z`."""

NORWAY_EXCLUDED = "^(?:[A-MO-Z][A-Z]|N[A-NP-Z])$"
"""A two-letter country code other than NO (Norwegian organisations have a number)."""

ONE_KEY: JsonDict = {
    "anyOf": [
        {
            "required": ["org_number"],
            "properties": {
                "org_number": {"type": "string"},
                "foreign_country": {"type": "null"},
                "foreign_id": {"type": "null"},
            },
        },
        {
            "required": ["foreign_country", "foreign_id"],
            "properties": {
                "org_number": {"type": "null"},
                "foreign_country": {"type": "string"},
                "foreign_id": {"type": "string"},
            },
        },
    ]
}
"""An organisation named one way: its org_number, or foreign_country with foreign_id (the
models' own check, said in their schemas)."""
