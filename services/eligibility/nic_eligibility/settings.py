"""Eligibility settings: environment variables prefixed `NIC_ELIGIBILITY_`."""

from __future__ import annotations

from nic_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class EligibilitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_ELIGIBILITY_", extra="ignore")

    service_name: str = "eligibility"
    port: int = 8002
    database_url: str = "sqlite+aiosqlite:///.data/eligibility.db"
