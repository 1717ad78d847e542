"""Scoring settings: environment variables prefixed `NIC_SCORING_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import LinkSigning, ServiceSettings


class ScoringSettings(ServiceSettings, LinkSigning):
    model_config = SettingsConfigDict(env_prefix="NIC_SCORING_", extra="ignore")

    service_name: str = "scoring"
    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///.data/scoring.db"

    intake_public_url: str = Field(
        default="http://127.0.0.1:8001", description="Where panel members' attachment links point."
    )
    attachment_link_ttl_s: int = Field(default=60, ge=1, le=3600)
    reminder_poll_interval_s: float = Field(
        default=60.0, gt=0, description="How often each instance looks for due review reminders."
    )
