"""A reviewer's marks for one application, from draft to submitted, or set aside as invalid.

Invalid reviews are kept (who, what, why) rather than deleted, but never count towards a
result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INVALID = "invalid"


@dataclass(frozen=True)
class Review:
    review_id: UUID
    application_id: UUID
    member_id: UUID
    marks: dict[str, Decimal]
    status: ReviewStatus = ReviewStatus.DRAFT
    invalid_reason: str | None = None

    @property
    def counts(self) -> bool:
        """True while the review stands (draft or submitted)."""
        return self.status is not ReviewStatus.INVALID

    def submitted(self) -> Review:
        return replace(self, status=ReviewStatus.SUBMITTED)

    def invalidated(self, reason: str) -> Review:
        return replace(self, status=ReviewStatus.INVALID, invalid_reason=reason)
