"""The panel's reviews as CSV or XLSX: one row per reviewer per criterion, with comments.

For the chair and officers preparing the panel meeting. Rows carry reviewer names and the
application's title, never applicant identities, so a blind panel's export stays blind.
Marks are written with two decimals (half-up); free text is defused against formulas.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_scoring import models
from nic_scoring.common import scheme_for
from nic_scoring.panels.invalidation import STANDING
from nic_shared.export import Column, safe_cell
from nic_shared.scores import score_text

COLUMNS = (
    Column("reviewer_id", "Bedømmer-ID", "Reviewer ID", width=38),
    Column("reviewer", "Bedømmer", "Reviewer"),
    Column("application_id", "Søknads-ID", "Application ID", width=38),
    Column("title", "Tittel", "Title"),
    Column("status", "Status", "Status"),
    Column("criterion_id", "Kriterium", "Criterion"),
    Column("mark", "Karakter", "Mark", "score", width=10),
    Column("criterion_comment", "Kommentar til kriteriet", "Criterion comment"),
    Column("review_comment", "Kommentar til vurderingen", "Review comment"),
    Column("applicant_comment", "Kommentar til søkeren", "Comment to the applicant"),
    Column("submitted_at", "Levert (Oslo-tid)", "Submitted (Oslo time)", "time", width=18),
)
"""CSV headers are the keys (stable for scripts); XLSX shows the nb/en labels."""
HEADER = tuple(c.key for c in COLUMNS)


async def review_rows(session: AsyncSession, panel: models.Panel) -> list[list[str]]:
    """The header, then every standing review's marks in the scheme's criterion order."""
    _, scheme = await scheme_for(session, panel.call_id)
    order = [c.id for c in scheme.criteria]
    found = (
        await session.execute(
            select(models.ReviewRow, models.PanelMember.name, models.ScoringApplication.title)
            .join(
                models.PanelMember,
                (models.PanelMember.panel_id == models.ReviewRow.panel_id)
                & (models.PanelMember.member_id == models.ReviewRow.member_id),
            )
            .join(
                models.ScoringApplication,
                models.ScoringApplication.id == models.ReviewRow.application_id,
            )
            .where(models.ReviewRow.panel_id == panel.id, models.ReviewRow.status.in_(STANDING))
            .order_by(models.ScoringApplication.title, models.PanelMember.name, models.ReviewRow.id)
        )
    ).all()
    rows = [list(HEADER)]
    for review, reviewer, title in found:
        marks = review.marks
        for criterion in [c for c in order if c in marks] + sorted(set(marks) - set(order)):
            mark = marks[criterion]
            rows.append(
                [
                    str(review.member_id),
                    safe_cell(reviewer),
                    str(review.application_id),
                    safe_cell(title),
                    review.status,
                    criterion,
                    score_text(Decimal(mark["mark"])),
                    safe_cell(mark.get("comment") or ""),
                    safe_cell(review.comment or ""),
                    safe_cell(review.applicant_comment or ""),
                    review.submitted_at.isoformat() if review.submitted_at else "",
                ]
            )
    return rows
