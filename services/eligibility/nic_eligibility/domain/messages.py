"""Filling message templates with parameters and facts, never failing on a missing field.

A message is for people; a template that names a fact the predicate did not record shows
`?` instead of breaking the assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

from nic_eligibility.domain.model import FactValue, ParameterValue


class _Lenient(dict[str, str]):
    """Shows a value only when the template names it (most values are never shown)."""

    def __init__(self, values: Mapping[str, FactValue | ParameterValue]) -> None:
        super().__init__()
        self._values = values

    def __missing__(self, key: str) -> str:
        return show(self._values[key]) if key in self._values else "?"


def show(value: FactValue | ParameterValue) -> str:
    """A value as people read it: lists joined, booleans and absent values in words."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "-"
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return value


def render(template: str, values: Mapping[str, FactValue | ParameterValue]) -> str:
    """The template with `{name}` fields replaced; unknown fields become `?`."""
    if "{" not in template:
        return template
    return _FORMATTER.vformat(template, (), _Lenient(values))


_FORMATTER = Formatter()
