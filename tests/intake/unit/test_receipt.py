"""Every applicant gets a receipt citing a hash that anyone can recompute from the content."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest

from nic_intake.domain.deadline import OSLO, NaiveInstantError
from nic_intake.domain.receipt import canonical_json, content_sha256, issue_receipt
from nic_shared.events.intake import ApplicationContent


def content(draft: dict[str, Any]) -> ApplicationContent:
    return ApplicationContent.model_validate(draft)


def test_canonical_json_sorts_keys_without_whitespace(circular_draft: dict[str, Any]) -> None:
    text = canonical_json(content(circular_draft)).decode("utf-8")
    assert text.startswith('{"aid_basis":"gber_29","attachments":[{"attachment_id":')
    assert '","' in text
    assert '":"' in text
    assert text == json.dumps(
        json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_canonical_json_keeps_norwegian_letters_as_utf8(circular_draft: dict[str, Any]) -> None:
    raw = canonical_json(content(circular_draft))
    assert "råvare".encode() in raw
    assert b"\\u00e5" not in raw


def test_the_hash_is_sha256_of_the_canonical_bytes(circular_draft: dict[str, Any]) -> None:
    submitted = content(circular_draft)
    assert content_sha256(submitted) == hashlib.sha256(canonical_json(submitted)).hexdigest()


def test_key_order_in_the_draft_does_not_change_the_hash(circular_draft: dict[str, Any]) -> None:
    reversed_draft = dict(reversed(list(circular_draft.items())))
    assert content_sha256(content(reversed_draft)) == content_sha256(content(circular_draft))


def test_any_change_to_the_content_changes_the_hash(circular_draft: dict[str, Any]) -> None:
    changed = {**circular_draft, "requested_amount_nok": 1_200_001}
    assert content_sha256(content(changed)) != content_sha256(content(circular_draft))


def test_receipt_shows_the_same_instant_in_utc_and_oslo(circular_draft: dict[str, Any]) -> None:
    received = datetime(2023, 9, 1, 15, 59, 59, 999_000, tzinfo=timezone(timedelta(hours=2)))
    submitted = content(circular_draft)
    receipt = issue_receipt(
        application_id=uuid4(), call_id=uuid4(), version=2, content=submitted, received_at=received
    )
    assert receipt.received_at_utc == datetime(2023, 9, 1, 13, 59, 59, 999_000, tzinfo=UTC)
    assert receipt.received_at_oslo.tzinfo is OSLO
    assert receipt.received_at_oslo.hour == 15
    assert receipt.content_sha256 == content_sha256(submitted)
    assert receipt.version == 2


def test_a_receipt_needs_an_aware_time(circular_draft: dict[str, Any]) -> None:
    with pytest.raises(NaiveInstantError):
        issue_receipt(
            application_id=uuid4(),
            call_id=uuid4(),
            version=1,
            content=content(circular_draft),
            received_at=datetime(2023, 9, 1, 12),  # noqa: DTZ001 - the point of the test
        )


def test_a_receipt_version_starts_at_one(circular_draft: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="versions start at 1"):
        issue_receipt(
            application_id=uuid4(),
            call_id=uuid4(),
            version=0,
            content=content(circular_draft),
            received_at=datetime(2023, 9, 1, 12, tzinfo=UTC),
        )
