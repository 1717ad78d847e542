"""A rule set's parameters: declared with the seed's value as default, checked once.

The call's RuleSetSpec overrides the defaults, so a new call with other limits needs no
code. Unknown names are refused: a misspelt limit must not silently fall back to a default.
A grant limit has no default: intake leaves it out when the call sets no such limit, and
the rule using it is then not applicable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from nic_eligibility.domain.errors import InvalidParameters
from nic_eligibility.domain.model import ParameterValue

Kind = Literal["int", "percent", "str", "str_list"]


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter: its kind, the seed's value (None: optional), and allowed strings."""

    name: str
    kind: Kind
    default: ParameterValue | None
    choices: tuple[str, ...] = ()

    def check(self, value: ParameterValue) -> ParameterValue:
        """The value if it fits this parameter; InvalidParameters otherwise."""
        if not self._fits(value):
            allowed = f" (one of {', '.join(self.choices)})" if self.choices else ""
            raise InvalidParameters(f"{self.name} must be {self.kind}{allowed}, got {value!r}")
        return value

    def _fits(self, value: ParameterValue) -> bool:
        match self.kind:
            case "int":
                return isinstance(value, int) and not isinstance(value, bool) and value >= 0
            case "percent":
                return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
            case "str":
                return isinstance(value, str) and (not self.choices or value in self.choices)
            case "str_list":
                return isinstance(value, list) and all(isinstance(v, str) for v in value)


@dataclass(frozen=True)
class Parameters:
    """Resolved parameters with typed access for predicates."""

    values: Mapping[str, ParameterValue | None]

    def integer(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def optional_integer(self, name: str) -> int | None:
        """An optional limit: None when the call sets none."""
        value = self.values[name]
        assert value is None or isinstance(value, int)
        return value

    def text(self, name: str) -> str:
        value = self.values[name]
        assert isinstance(value, str)
        return value

    def texts(self, name: str) -> list[str]:
        value = self.values[name]
        assert isinstance(value, list)
        return [str(v) for v in value]


def resolve(specs: tuple[ParameterSpec, ...], given: Mapping[str, ParameterValue]) -> Parameters:
    """Defaults overridden by the call's values; refuses unknown names and wrong types."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise InvalidParameters(f"unknown parameters: {', '.join(unknown)}")
    values = {
        spec.name: spec.check(given[spec.name]) if spec.name in given else spec.default
        for spec in specs
    }
    return Parameters(values)
