"""A cluster's member list as CSV: validate the whole file, import all or nothing, export alike.

Columns: org_number, foreign_country, foreign_id, name, actor_type, valid_from, valid_to.
A row names a Norwegian organisation by org_number, or a foreign one by foreign_country +
foreign_id. Row numbers are lines of the file, the header being line 1, so they match what
the cluster sees in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from nic_registry.domain import keys
from nic_registry.domain.memberships import Membership
from nic_registry.domain.periods import Period
from nic_shared.contracts.registry_facts import ActorType
from nic_shared.export import safe_cell, unsafe_cell

COLUMNS = (
    "org_number",
    "foreign_country",
    "foreign_id",
    "name",
    "actor_type",
    "valid_from",
    "valid_to",
)
_ACTOR_TYPES = ", ".join(a.value for a in ActorType)
ROW = "(row)"

Fail = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One valid member line."""

    organisation_key: str
    name: str
    actor_type: ActorType
    period: Period
    line: int = field(default=0, compare=False)
    """The line of the file the row came from (0 when not read from a file)."""

    @property
    def org_number(self) -> str | None:
        return None if keys.is_foreign(self.organisation_key) else self.organisation_key

    def to_membership(self, cluster_id: UUID) -> Membership:
        return Membership(cluster_id, self.organisation_key, self.actor_type, self.period)


@dataclass(frozen=True, slots=True)
class RowError:
    """Which line, which column, which rule it breaks."""

    row: int
    column: str
    rule: str


@dataclass(frozen=True, slots=True)
class MemberCsvReport:
    """The outcome of a parse: rows to import only when there are no errors at all."""

    rows: tuple[MemberRow, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_member_csv(text: str) -> MemberCsvReport:
    """Validate every line; any error anywhere means nothing is imported."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        return MemberCsvReport((), (RowError(1, ROW, "the file is empty; a header is required"),))
    header_errors = _check_header([h.strip() for h in header])
    if header_errors:
        return MemberCsvReport((), tuple(header_errors))
    names = [h.strip() for h in header]

    rows: list[tuple[int, MemberRow]] = []
    errors: list[RowError] = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(names):
            rule = f"the row has {len(fields)} fields, the header {len(names)}"
            errors.append(RowError(line, ROW, rule))
            continue
        row, row_errors = _parse_row(line, dict(zip(names, fields, strict=True)))
        errors.extend(row_errors)
        if row is not None:
            rows.append((line, row))
    errors.extend(_overlaps(rows))
    if errors:
        return MemberCsvReport((), tuple(sorted(errors, key=lambda e: e.row)))
    return MemberCsvReport(tuple(r for _, r in rows), ())


def export_member_csv(rows: Iterable[MemberRow]) -> str:
    """Write rows in the import format, so an export can be edited and imported again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        if keys.is_foreign(row.organisation_key):
            country, foreign_id = row.organisation_key.split(":", 1)
            ids = ["", country, foreign_id]
        else:
            ids = [row.organisation_key, "", ""]
        valid_to = row.period.valid_to.isoformat() if row.period.valid_to else ""
        writer.writerow(
            [
                *ids,
                safe_cell(row.name),  # a name like =HYPERLINK(...) stays text in a spreadsheet
                row.actor_type.value,
                row.period.valid_from.isoformat(),
                valid_to,
            ]
        )
    return out.getvalue()


def _check_header(header: list[str]) -> list[RowError]:
    errors = [RowError(1, c, "required column is missing") for c in COLUMNS if c not in header]
    errors += [RowError(1, c, "unknown column") for c in header if c not in COLUMNS]
    errors += [
        RowError(1, c, "column appears more than once")
        for c in sorted(set(header))
        if header.count(c) > 1
    ]
    return errors


def _parse_row(line: int, raw: dict[str, str]) -> tuple[MemberRow | None, list[RowError]]:
    values = {k: v.strip() for k, v in raw.items()}
    errors: list[RowError] = []

    def fail(column: str, rule: str) -> None:
        errors.append(RowError(line, column, rule))

    key = _organisation_key(values, fail)
    name = unsafe_cell(values["name"])  # our own export defused it
    if not name:
        fail("name", "name is required")
    actor_type = _actor_type(values["actor_type"], fail)
    valid_from = _date(values["valid_from"], "valid_from", fail, required=True)
    valid_to = _date(values["valid_to"], "valid_to", fail, required=False)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        fail("valid_to", "valid_to is before valid_from")
    if errors or key is None or actor_type is None or valid_from is None:
        return None, errors
    return MemberRow(key, name, actor_type, Period(valid_from, valid_to), line), errors


def _organisation_key(values: dict[str, str], fail: Fail) -> str | None:
    org_number, country, foreign_id = (
        values["org_number"],
        values["foreign_country"],
        values["foreign_id"],
    )
    if org_number:
        if country or foreign_id:
            fail("org_number", "give org_number or foreign_country+foreign_id, not both")
            return None
        return _checked(keys.norwegian_key, org_number, "org_number", fail)
    if not country and not foreign_id:
        fail("org_number", "org_number, or foreign_country with foreign_id, is required")
        return None
    if not country:
        fail("foreign_country", "foreign_country is required with foreign_id")
        return None
    if not foreign_id:
        fail("foreign_id", "foreign_id is required with foreign_country")
        return None
    cc = _checked(keys.country_code, country, "foreign_country", fail)
    ident = _checked(keys.foreign_identifier, foreign_id, "foreign_id", fail)
    return f"{cc}:{ident}" if cc is not None and ident is not None else None


def _checked(check: Callable[[str], str], value: str, column: str, fail: Fail) -> str | None:
    """Run a key check, turning its ValueError into a row error for `column`."""
    try:
        return check(value)
    except ValueError as exc:
        fail(column, str(exc))
        return None


def _actor_type(value: str, fail: Fail) -> ActorType | None:
    try:
        return ActorType(value.lower())
    except ValueError:
        fail("actor_type", f"actor_type must be one of: {_ACTOR_TYPES}")
        return None


def _date(value: str, column: str, fail: Fail, *, required: bool) -> date | None:
    if not value:
        if required:
            fail(column, f"{column} is required")
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        fail(column, f"{column} must be a date written YYYY-MM-DD")
        return None


def _overlaps(rows: list[tuple[int, MemberRow]]) -> list[RowError]:
    """Two lines for one organisation whose periods share a day: the later line is wrong."""
    errors: list[RowError] = []
    seen: dict[str, list[tuple[int, Period]]] = {}
    for line, row in rows:
        earlier = seen.setdefault(row.organisation_key, [])
        clash = next((ln for ln, p in earlier if p.overlaps(row.period)), None)
        if clash is not None:
            errors.append(
                RowError(line, "valid_from", f"overlaps line {clash} for the same organisation")
            )
        earlier.append((line, row.period))
    return errors
