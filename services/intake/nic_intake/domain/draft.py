"""Reading an application draft leniently, field by field and item by item.

A draft is JSON the applicant is still editing, so one bad partner must not hide every other
problem. Each field (and each list item) is validated on its own against the shared
ApplicationContent contract; what fails becomes a Problem with a JSON pointer, what passes
is kept with its original index so later rules can still point at the right place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from pydantic import BaseModel, TypeAdapter, ValidationError

from nic_shared.events.intake import (
    AidBasis,
    ApplicationContent,
    AttachmentRef,
    BudgetLine,
    Partner,
)
from nic_shared.events.specs import LocalText

_LIST_ITEMS: dict[str, TypeAdapter[Any]] = {
    "partners": TypeAdapter(Partner),
    "budget": TypeAdapter(BudgetLine),
    "attachments": TypeAdapter(AttachmentRef),
    "objectives": TypeAdapter(str),
}
_SCALARS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(cast(Any, info.annotation))
    for name, info in ApplicationContent.model_fields.items()
    if name not in _LIST_ITEMS
}


def pointer(*tokens: str | int) -> str:
    """An RFC 6901 JSON pointer from path tokens ("~" and "/" escaped)."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


@dataclass(frozen=True, slots=True)
class Problem:
    """One missing or invalid part of a draft: where, which rule, and what to tell the user."""

    pointer: str
    rule: str
    message: LocalText


@dataclass
class ParsedDraft:
    """The valid parts of a draft; list items keep the index they have in the draft."""

    raw: Mapping[str, Any]
    scalars: dict[str, Any] = field(default_factory=dict)
    partners: list[tuple[int, Partner]] = field(default_factory=list)
    budget: list[tuple[int, BudgetLine]] = field(default_factory=list)
    attachments: list[tuple[int, AttachmentRef]] = field(default_factory=list)
    objectives: list[tuple[int, str]] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)
    """Top-level fields with at least one schema problem."""
    problems: list[Problem] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        value = self.scalars.get(name)
        return value if isinstance(value, str) else None

    def day(self, name: str) -> date | None:
        value = self.scalars.get(name)
        return value if isinstance(value, date) else None

    @property
    def project_owner(self) -> str | None:
        return self.text("project_owner")

    @property
    def requested_amount_nok(self) -> int | None:
        value = self.scalars.get("requested_amount_nok")
        return value if isinstance(value, int) else None

    @property
    def aid_basis(self) -> AidBasis | None:
        value = self.scalars.get("aid_basis")
        return value if isinstance(value, AidBasis) else None

    def fully_valid(self, name: str) -> bool:
        """True when the field has no schema problem (so totals over it can be trusted)."""
        return name not in self.invalid


def parse_draft(draft: Mapping[str, Any] | ApplicationContent) -> ParsedDraft:
    """Validate every field and list item separately, collecting every schema problem."""
    raw: Mapping[str, Any] = (
        draft.model_dump(mode="json") if isinstance(draft, BaseModel) else draft
    )
    parsed = ParsedDraft(raw=raw)
    for name, value in raw.items():
        if name in _LIST_ITEMS:
            _parse_list(parsed, name, value)
        elif name in _SCALARS:
            _parse_scalar(parsed, name, value)
        else:
            parsed.invalid.add(name)
            parsed.problems.append(
                Problem(
                    pointer(name),
                    "unknown_field",
                    LocalText(nb=f"Ukjent felt «{name}».", en=f"Unknown field '{name}'."),
                )
            )
    return parsed


def _parse_scalar(parsed: ParsedDraft, name: str, value: Any) -> None:
    try:
        parsed.scalars[name] = _SCALARS[name].validate_python(value)
    except ValidationError as exc:
        _record(parsed, exc, (name,))


def _parse_list(parsed: ParsedDraft, name: str, value: Any) -> None:
    if not isinstance(value, list):
        parsed.invalid.add(name)
        parsed.problems.append(_invalid(pointer(name), "expected a list"))
        return
    target: list[tuple[int, Any]] = getattr(parsed, name)
    for index, item in enumerate(value):
        try:
            target.append((index, _LIST_ITEMS[name].validate_python(item)))
        except ValidationError as exc:
            _record(parsed, exc, (name, index))


def _record(parsed: ParsedDraft, exc: ValidationError, prefix: tuple[str | int, ...]) -> None:
    parsed.invalid.add(str(prefix[0]))
    for error in exc.errors(include_url=False):
        where = pointer(*prefix, *(token for token in error["loc"] if token != ""))
        parsed.problems.append(_invalid(where, error["msg"]))


def _invalid(where: str, detail: str) -> Problem:
    return Problem(
        where,
        "invalid_value",
        LocalText(nb=f"Ugyldig verdi ({detail}).", en=f"Invalid value ({detail})."),
    )
