"""Stage 6's message to the clusters: when the panel's ranking is published, each cluster
that forwarded in the call is mailed which of its proposals are recommended (once per
ranking version: a later version is a changed recommendation and is told again)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_intake.models import Application, Call, ClusterPriority, MailMessage
from nic_intake.priority.mail import outcome_mail
from nic_shared import mail
from nic_shared.events.scoring import RankingPublished

NOT_RANKED = "not_ranked"


async def tell_clusters(session: AsyncSession, call: Call, ranking: RankingPublished) -> int:
    """Queue one mail per forwarding cluster of the call; the number queued."""
    rows = (
        await session.scalars(select(ClusterPriority).where(ClusterPriority.call_id == call.id))
    ).all()
    outcome = {e.application_id: e.outcome.value for e in ranking.entries}
    queued = 0
    for row in rows:
        if not row.contact_email:
            continue
        lines = []
        for p in row.proposals:
            application_id = uuid.UUID(p["application_id"])
            app = await session.get(Application, application_id)
            title = str(app.content.get("title") or application_id) if app else str(p)
            lines.append(
                (
                    int(p["rank"]),
                    str(application_id),
                    title,
                    outcome.get(application_id, NOT_RANKED),
                )
            )
        subject, body = outcome_mail(
            name=row.contact_name or "", call_code=call.code, outcomes=lines
        )
        queued += await mail.enqueue(
            session,
            MailMessage,
            recipient=row.contact_email,
            subject=subject,
            body=body,
            now=ranking.published_at,
            dedupe_key=f"cluster-outcome:{call.id}:{row.cluster_id}:{ranking.ranking_version}",
        )
    return queued
