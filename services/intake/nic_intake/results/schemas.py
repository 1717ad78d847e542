"""The public list of granted projects of a call."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from nic_shared.money import Nok


class ResultEntry(BaseModel):
    project_title: str
    owner: str
    amount_nok: Nok


class PublishedResultsOut(BaseModel):
    call_id: UUID
    call_code: str
    published_at: datetime
    items: list[ResultEntry]
