"""The shared signed-link helper: a link grants exactly what was signed, until it expires."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from nic_shared.signed_links import InvalidLink, LinkGrant, sign, verify

SECRET = "test-secret"
GRANT = LinkGrant("app-1", 2, "att-1", "member-1", expires=1_800_000_060)
BEFORE = datetime.fromtimestamp(1_800_000_059, UTC)
AT = datetime.fromtimestamp(1_800_000_060, UTC)


def test_signed_link_verifies_before_expiry() -> None:
    verify(GRANT, sign(GRANT, SECRET), SECRET, now=BEFORE)


def test_link_is_refused_at_the_expiry_instant() -> None:
    with pytest.raises(InvalidLink) as err:
        verify(GRANT, sign(GRANT, SECRET), SECRET, now=AT)
    assert err.value.rule == "expired"


@pytest.mark.parametrize(
    "changed",
    [
        {"application_id": "app-2"},
        {"version": 1},
        {"attachment_id": "att-2"},
        {"reader": "member-2"},
        {"expires": 1_900_000_000},
    ],
)
def test_link_for_one_grant_does_not_open_another(changed: dict[str, object]) -> None:
    with pytest.raises(InvalidLink) as err:
        verify(replace(GRANT, **changed), sign(GRANT, SECRET), SECRET, now=BEFORE)  # type: ignore[arg-type]
    assert err.value.rule == "signature"


def test_link_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(InvalidLink):
        verify(GRANT, sign(GRANT, "other"), SECRET, now=BEFORE)
