"""Export escaping: the one rule for text that goes into a CSV or spreadsheet cell.

A cell starting with =, +, -, @, a tab or a carriage return is run as a formula by
spreadsheet programs (CSV injection, OWASP); such text gets a leading apostrophe.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as cell text that a spreadsheet shows and never evaluates."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text
