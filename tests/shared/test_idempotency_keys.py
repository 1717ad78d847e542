"""The Idempotency-Key store against the real databases: a key that raced in through another
request is a 409 with Retry-After, and the effect beside it rolls back."""

from __future__ import annotations

import pytest

from nic_shared import idempotency
from nic_shared.problems import Conflict
from tests.shared import harness


async def test_a_key_another_request_stored_first_is_409_and_the_effect_rolls_back(
    new_database,
):
    db = await harness.open_database(await new_database("harness", None))
    answer = {"scope": "officer-1:POST /v1/panels", "key": "k-1", "body_hash": "h"}
    async with db.transaction() as session:  # the request that won the race
        await idempotency.remember(session, status_code=201, body={"id": 1}, **answer)

    async def the_losing_request() -> None:  # it looked up before the winner stored
        async with db.transaction() as session:
            await session.execute(harness.notes.insert().values(text="second effect"))
            await idempotency.remember(session, status_code=201, body={"id": 2}, **answer)

    with pytest.raises(Conflict) as raised:
        await the_losing_request()
    assert raised.value.slug == "concurrent-change"
    assert raised.value.headers == {"Retry-After": "1"}

    assert await harness.count(db, harness.notes) == 0
    async with db.transaction() as session:
        stored = await idempotency.lookup(session, scope=answer["scope"], key="k-1", body_hash="h")
    assert stored is not None
    assert stored.body == {"id": 1}
    await db.dispose()
