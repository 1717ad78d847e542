"""Norwegian organisation numbers: 9 digits, the last a MOD11 check digit (REFERENCE.md §2)."""

from __future__ import annotations

_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for eight digits, or None when no valid digit exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def is_valid(value: str) -> bool:
    """True for nine digits whose last digit is the MOD11 check digit of the first eight."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    return check_digit(value[:8]) == int(value[8])


def validate(value: str) -> str:
    """Return the number unchanged, or raise ValueError naming the rule it breaks."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValueError("an organisation number is exactly 9 digits")
    if not is_valid(value):
        raise ValueError("the organisation number's MOD11 check digit is wrong")
    return value
