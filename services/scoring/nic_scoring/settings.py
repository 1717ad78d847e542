"""Scoring settings: environment variables prefixed `NIC_SCORING_`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from nic_shared.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_SCORING_", extra="ignore")

    service_name: str = "scoring"
    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///.data/scoring.db"
