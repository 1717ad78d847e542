"""One bar chart per indicator, for the programme's annual report (matplotlib, Agg)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: render to bytes only
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nic_registry.programme.exports import INDICATORS, counts_of
from nic_registry.programme.service import ProgrammeReport


def chart_png(report: ProgrammeReport, indicator: str) -> bytes:
    """A horizontal bar chart of one indicator; a Figure per call, so threads never share one."""
    counts = counts_of(report, indicator)
    labels = sorted(counts) or ["(ingen)"]
    values = [counts.get(label, 0) for label in labels]
    figure = Figure(figsize=(8, 0.6 * len(labels) + 1.6), dpi=120)
    axes = figure.subplots()
    bars = axes.barh([label or "(ukjent)" for label in labels], values, color="#2a6f97")
    axes.bar_label(bars, padding=3)
    figure.suptitle(f"{INDICATORS[indicator]}\n{report.first} – {report.last}", fontsize=11)
    axes.set_xlabel("Antall")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.invert_yaxis()
    axes.margins(x=0.15)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
