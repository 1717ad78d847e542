"""The programme report as rows with Norwegian headers (English by Accept-Language),
written as CSV (UTF-8 with a byte-order mark), XLSX (`nic_shared.export.to_xlsx`: bold
frozen header, NOK amounts with a NOK number format, text typed as text) and charts.
"""

from __future__ import annotations

from collections.abc import Iterator

from nic_registry.programme.service import ProgrammeReport
from nic_shared.export import Column, Fact, header, safe_cell
from nic_shared.export import to_csv as csv_bytes
from nic_shared.export import to_xlsx as xlsx_bytes

COLUMNS = (
    Column("indicator", "Indikator", "Indicator"),
    Column("category", "Kategori", "Category"),
    Column("count", "Antall", "Count", "int", width=10),
    Column("amount_nok", "Beløp (NOK)", "Amount (NOK)", "nok", width=16),
)
HEADER = tuple(header(COLUMNS, "nb"))

INDICATORS: dict[str, str] = {
    "clusters_by_level": "Klynger etter nivå",
    "clusters_by_region": "Klynger etter region",
    "members_by_actor_type": "Medlemmer etter aktørtype",
    "new_members_by_actor_type": "Nye medlemmer etter aktørtype",
    "activities_by_area": "Aktiviteter etter utviklingsområde",
    "participants_by_area": "Deltakere etter utviklingsområde",
    "grants_by_call": "Innvilgede prosjekter per utlysning",
}
INDICATORS_EN: dict[str, str] = {
    "clusters_by_level": "Clusters by level",
    "clusters_by_region": "Clusters by region",
    "members_by_actor_type": "Members by actor type",
    "new_members_by_actor_type": "New members by actor type",
    "activities_by_area": "Activities by development area",
    "participants_by_area": "Participants by development area",
    "grants_by_call": "Granted projects per call",
}


def counts_of(report: ProgrammeReport, indicator: str) -> dict[str, int]:
    """One indicator as category -> count (grants: projects per call)."""
    if indicator == "grants_by_call":
        return {_call(g.scheme, g.call_id): g.projects for g in report.grants_by_call}
    value: dict[str, int] = getattr(report, indicator)
    return value


def _call(scheme: str, call_id: object) -> str:
    """A call as a short chart label: its scheme and the start of its id."""
    return f"{scheme} {str(call_id)[:8]}"


def rows(report: ProgrammeReport, lang: str = "nb") -> Iterator[tuple[str, str, int, int | None]]:
    titles = INDICATORS_EN if lang == "en" else INDICATORS
    unknown = "(unknown)" if lang == "en" else "(ukjent)"
    for indicator in INDICATORS:
        title = titles[indicator]
        if indicator == "grants_by_call":
            for g in report.grants_by_call:
                yield title, f"{g.scheme} {g.call_id}", g.projects, g.amount_nok
            continue
        for category, count in sorted(counts_of(report, indicator).items()):
            yield title, category or unknown, count, None


def to_csv(report: ProgrammeReport, lang: str = "nb") -> bytes:
    """Text defused against formulas (in XLSX it is typed as text instead)."""
    table = [
        [safe_cell(title), safe_cell(category), count, "" if amount is None else amount]
        for title, category, count, amount in rows(report, lang)
    ]
    return csv_bytes([header(COLUMNS, lang), *table])


def to_xlsx(report: ProgrammeReport, lang: str = "nb") -> bytes:
    name = "Programme" if lang == "en" else "Programmet"
    period = f"{report.first}–{report.last}"
    return xlsx_bytes(
        COLUMNS,
        list(rows(report, lang)),
        lang=lang,
        sheet=f"{name} {period}",
        title=f"{name} {period}",
        about=[Fact("Periode", "Period", period)],
    )
