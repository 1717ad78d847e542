"""HTTP request and response models (the table and the event are separate types)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from nic_shared.events.specs import RuleSetSpec


class CallRuleSetOut(BaseModel):
    call_id: UUID
    code: str
    scheme: str
    deadline: datetime
    rule_set: RuleSetSpec
    updated_at: datetime
