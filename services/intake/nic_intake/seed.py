"""Load the seeds' three calls, published with their real dates: `python -m nic_intake seed`
(or `python -m nic_intake.seed`). Idempotent: a call whose code exists is left alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from nic_intake.calls.stages import cluster_stage
from nic_intake.domain.seeds import SEED_CALLS, SeedCall
from nic_intake.models import Call, messaging
from nic_intake.settings import IntakeSettings
from nic_shared import outbox
from nic_shared.db import Database


def _row(seed: SeedCall, now: datetime) -> Call:
    terms = seed.terms
    limits = terms.proposal_limits
    return Call(
        id=seed.call_id,
        code=seed.code,
        scheme=seed.scheme.value,
        title_nb=seed.title.nb,
        title_en=seed.title.en,
        description_nb=seed.description.nb,
        description_en=seed.description.en,
        opens_at=seed.opens_at,
        deadline=seed.deadline,
        budget_frame_nok=seed.budget_frame_nok,
        grant_min_nok=terms.grant_min_nok,
        grant_max_nok=terms.grant_max_nok,
        max_aid_intensity_percent=terms.max_aid_intensity_percent,
        required_parts=list(terms.required_parts),
        rule_set=terms.rule_set.model_dump(mode="json"),
        scoring_scheme=terms.scoring_scheme.model_dump(mode="json"),
        proposals_min=limits.minimum if limits else None,
        proposals_max=limits.maximum if limits else None,
        created_at=now,
        published_at=now,
    )


async def seed(database_url: str, now: datetime | None = None) -> list[str]:
    """Insert and publish the seed calls that are missing; returns the codes added."""
    now = now or datetime.now(UTC)
    db = Database(
        database_url, session_info={"messaging": messaging, "event_source": "/nic/intake"}
    )
    added: list[str] = []
    try:
        async with db.transaction() as session:
            existing = set(
                (
                    await session.scalars(
                        select(Call.code).where(Call.code.in_([s.code for s in SEED_CALLS]))
                    )
                ).all()
            )
            for call in SEED_CALLS:
                if call.code in existing:
                    continue
                row = _row(call, now)
                session.add(row)
                await session.flush()
                # The event announces the cluster stage the row has, as a published call's does.
                event = call.published().model_copy(update={"cluster_stage": cluster_stage(row)})
                await outbox.record(session, event)
                added.append(call.code)
    finally:
        await db.dispose()
    return added


def main(settings: IntakeSettings | None = None) -> None:
    settings = settings or IntakeSettings()
    added = asyncio.run(seed(settings.database_url))
    print(f"seeded {len(added)} call(s): {', '.join(added) or 'none missing'}")


if __name__ == "__main__":
    main()
