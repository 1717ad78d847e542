"""The programme report's JSON shape."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from nic_shared.money import Nok


class CallGrantsOut(BaseModel):
    call_id: UUID
    scheme: str
    projects: int
    amount_nok: Nok


class ProgrammeReportOut(BaseModel):
    from_date: date
    to_date: date
    clusters_by_level: dict[str, int] = Field(description="Clusters holding a level on to_date.")
    clusters_by_region: dict[str, int] = Field(
        description="Clusters with a level or the NCE brand on to_date, by region ('' = none)."
    )
    members_by_actor_type: dict[str, int] = Field(description="Memberships running on to_date.")
    new_members_by_actor_type: dict[str, int] = Field(
        description="Memberships that started within the range."
    )
    activities_by_area: dict[str, int]
    participants_by_area: dict[str, int]
    grants_by_call: list[CallGrantsOut] = Field(
        description="Granted decisions (latest version) dated within the range, per call."
    )
