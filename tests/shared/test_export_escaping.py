"""Export escaping: every formula trigger is defused, ordinary text is left alone."""

from __future__ import annotations

import pytest

from nic_shared.export import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+47 22 00 00 00", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_get_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_ordinary_text_and_numbers_are_unchanged() -> None:
    assert safe_cell("Grønn ferje AS") == "Grønn ferje AS"
    assert safe_cell(300_000) == "300000"
