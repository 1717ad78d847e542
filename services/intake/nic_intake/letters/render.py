"""PDFs with fpdf2 and a bundled DejaVu Sans (so æ, ø, å and – render on any machine)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from nic_intake.domain.deadline import in_oslo
from nic_intake.letters.texts import LetterFacts, heading, paragraphs

FONTS = Path(__file__).resolve().parent / "fonts"
SENDER = "Klyngeprogrammet / Norwegian Innovation Clusters"
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(SENDER)
    pdf.set_creation_date(_EPOCH)  # the same facts give the same bytes (and SHA-256)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, SENDER, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    return pdf


def _section(pdf: FPDF, head: str, text: str) -> None:
    if head:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, head, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def decision_letter(facts: LetterFacts) -> bytes:
    """The decision letter as PDF bytes."""
    pdf = _document(heading(facts))
    for head, text in paragraphs(facts):
        _section(pdf, head, text)
    return bytes(pdf.output())


def submitted_version(
    *,
    application_id: str,
    version: int,
    call_code: str,
    content: dict[str, Any],
    content_sha256: str,
    submitted_at: datetime,
) -> bytes:
    """A copy of what the applicant sent in one version, with the receipt's hash."""
    pdf = _document(f"{content.get('title') or application_id} (v{version})")
    when = in_oslo(submitted_at).strftime("%d.%m.%Y %H:%M:%S %Z")
    _section(pdf, "", f"{call_code} · {application_id} · versjon/version {version} · {when}")
    _section(pdf, "SHA-256", content_sha256)
    for key, value in content.items():
        if value in (None, [], ""):
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
        _section(pdf, key, str(text))
    return bytes(pdf.output())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
