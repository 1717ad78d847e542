"""A ranking and a panel's reviews as XLSX for people (`nic_shared.export.to_xlsx`): bold
frozen header in Norwegian or English, NOK amounts and scores as formatted numbers, and for
a ranking the call code on the sheet's tab and an about sheet with the call, the version,
its budget frame and when it was published."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from nic_scoring.domain.export import COLUMNS
from nic_shared.export import Column, Fact, to_xlsx


def ranking_xlsx(
    rows: Sequence[Sequence[str]],
    *,
    lang: str,
    call_code: str,
    version: int,
    budget_frame_nok: int,
    recommended_total_nok: int,
    published_at: datetime,
    stale: bool,
) -> bytes:
    """`rows` as `ranking_rows` gives them (the header first, then one row per entry)."""
    state = (
        ("utdatert: fakta er endret etter publisering", "stale: facts changed after publication")
        if stale
        else ("gjeldende", "current")
    )
    about = [
        Fact("Utlysning", "Call", call_code),
        Fact("Rangering, versjon", "Ranking version", version, "int"),
        Fact("Budsjettramme", "Budget frame", budget_frame_nok, "nok"),
        Fact("Anbefalt til sammen", "Recommended in total", recommended_total_nok, "nok"),
        Fact("Publisert (Oslo-tid)", "Published (Oslo time)", published_at, "time"),
        Fact("Status", "State", state[1] if lang == "en" else state[0]),
    ]
    title = f"{'Ranking' if lang == 'en' else 'Rangering'} {call_code} v{version}"
    return to_xlsx(
        COLUMNS,
        rows[1:],
        lang=lang,
        sheet=f"{call_code} v{version}",
        title=title,
        about=about,
    )


def reviews_xlsx(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, lang: str, call_code: str
) -> bytes:
    """A panel's review rows (the header first) with the call's code on the tab."""
    title = f"{'Reviews' if lang == 'en' else 'Vurderinger'} {call_code}"
    return to_xlsx(
        columns,
        rows[1:],
        lang=lang,
        sheet=title,
        title=title,
        about=[Fact("Utlysning", "Call", call_code)],
    )
