"""Submissions that arrive together are written together (ADR 0012): each still gets its
own answer, one version and one event per receipt, a key sent twice at once answered once,
a refusal in the same batch only its own. Both databases."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from tests.intake.builders import complete_circular, open_call, outbox_events, scalar, submit


async def test_concurrent_submissions_each_get_one_version_and_one_event(intake):
    call = await open_call(intake.client, deadline_local="2027-01-15T16:00:00")
    apps = [await complete_circular(intake.client, call["id"]) for _ in range(6)]
    same_key = uuid.uuid4().hex
    # Six applications, one of them three times at once (new keys), one key sent twice at
    # once, and a stale etag: all in the writer's queue together.
    answers = await asyncio.gather(
        *(submit(intake.client, a) for a in apps),
        submit(intake.client, apps[0]),
        submit(intake.client, apps[0]),
        submit(intake.client, apps[1], key=same_key),
        submit(intake.client, apps[1], key=same_key),
        submit(intake.client, apps[2], body={"confirm": True, "etag": '"0"'}),
    )
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 10, 412: 1}, [a.text for a in answers]
    receipts = {(a.json()["application_id"], a.json()["version"]) for a in answers[:10]}
    # the two answers of the one key are the same receipt; every other receipt is its own
    assert answers[8].json() == answers[9].json()
    assert len(receipts) == 9
    assert sorted(v for a, v in receipts if a == apps[0]) == [1, 2, 3]
    assert await scalar(intake.database_url, "SELECT count(*) FROM application_versions") == 9
    events = await outbox_events(intake.database_url, "no.nic.application.submitted.v1")
    assert sorted((e["data"]["application_id"], e["data"]["version"]) for e in events) == sorted(
        receipts
    )
    for a in answers[:10]:
        assert a.headers["Location"].endswith(f"/receipts/{a.json()['version']}")
