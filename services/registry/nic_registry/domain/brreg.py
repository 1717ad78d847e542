"""Enhetsregisteret response -> the facts the registry keeps (REFERENCE.md §1.2–1.3).

Pure mapping from the JSON dict of `GET /enhetsregisteret/api/enheter/{orgnr}`: the HTTP
call lives elsewhere. Unknown keys are ignored; flags follow the "recommended defensive
rule" so that any sign of bankruptcy, winding-up or deletion is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from nic_registry.domain.errors import BrregFormatError

_NACE_FIELDS = ("naeringskode1", "naeringskode2", "naeringskode3")
_WINDING_UP_FLAGS = ("underAvvikling", "underTvangsavviklingEllerTvangsopplosning")
_BANKRUPT_FLAGS = ("konkurs", "underKonkursbehandling")


@dataclass(frozen=True, slots=True)
class BrregEntity:
    """One main entity as Enhetsregisteret describes it, reduced to what rules read."""

    org_number: str
    name: str | None
    org_form_code: str | None
    org_form_description: str | None
    sector_code: str | None
    registered_in_foretaksregisteret: bool | None
    bankrupt: bool
    winding_up: bool
    deleted: bool
    deleted_on: date | None
    nace_codes: tuple[str, ...]
    employees: int | None
    parent_org_number: str | None
    in_group: bool | None
    founded_on: date | None


def entity_from_enhet(data: Mapping[str, Any], requested: str | None = None) -> BrregEntity:
    """Map a 200 response body; `requested`, when given, must be the number the body describes."""
    org_number = data.get("organisasjonsnummer")
    if not isinstance(org_number, str) or not org_number:
        raise BrregFormatError("the response has no organisasjonsnummer")
    if requested is not None and requested != org_number:
        raise BrregFormatError(f"asked for {requested}, the response describes {org_number}")
    name = data.get("navn")
    if not isinstance(name, str):
        raise BrregFormatError("the response has no navn")
    deleted_raw = data.get("slettedato")
    return BrregEntity(
        org_number=org_number,
        name=name,
        org_form_code=_code(data, "organisasjonsform"),
        org_form_description=_text(data.get("organisasjonsform"), "beskrivelse"),
        sector_code=_code(data, "institusjonellSektorkode"),
        registered_in_foretaksregisteret=_bool(data.get("registrertIForetaksregisteret")),
        bankrupt=_is_bankrupt(data),
        winding_up=_is_winding_up(data),
        deleted=_present(deleted_raw),
        deleted_on=_date(deleted_raw),
        nace_codes=tuple(code for f in _NACE_FIELDS if (code := _code(data, f)) is not None),
        employees=_employees(data),
        parent_org_number=_str(data.get("overordnetEnhet")),
        in_group=_bool(data.get("erIKonsern")),
        founded_on=_date(data.get("stiftelsesdato")),
    )


def entity_removed(org_number: str, body: Mapping[str, Any] | None = None) -> BrregEntity:
    """The 410 "Enheten er fjernet" case: deleted, whatever else a (possibly empty) body says."""
    body = body or {}
    deleted_raw = body.get("slettedato")
    return BrregEntity(
        org_number=org_number,
        name=_str(body.get("navn")),
        org_form_code=_code(body, "organisasjonsform"),
        org_form_description=_text(body.get("organisasjonsform"), "beskrivelse"),
        sector_code=None,
        registered_in_foretaksregisteret=None,
        bankrupt=False,
        winding_up=False,
        deleted=True,
        deleted_on=_date(deleted_raw),
        nace_codes=(),
        employees=None,
        parent_org_number=None,
        in_group=None,
        founded_on=None,
    )


def _is_bankrupt(data: Mapping[str, Any]) -> bool:
    return any(data.get(f) is True for f in _BANKRUPT_FLAGS) or _present(data.get("konkursdato"))


def _is_winding_up(data: Mapping[str, Any]) -> bool:
    if any(data.get(f) is True for f in _WINDING_UP_FLAGS):
        return True
    if _present(data.get("underAvviklingDato")):
        return True
    return any(
        key.startswith("tvangs") and key.endswith("Dato") and _present(value)
        for key, value in data.items()
    )


def _employees(data: Mapping[str, Any]) -> int | None:
    """Employees, or None when Brreg says none are registered (never read a missing count as 0)."""
    if data.get("harRegistrertAntallAnsatte") is False:
        return None
    count = data.get("antallAnsatte")
    if isinstance(count, bool) or not isinstance(count, int):
        return None
    return count


def _code(data: Mapping[str, Any], field: str) -> str | None:
    return _text(data.get(field), "kode")


def _text(obj: Any, key: str) -> str | None:
    return _str(obj.get(key)) if isinstance(obj, Mapping) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _present(value: Any) -> bool:
    return value is not None and value != "" and value is not False


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
