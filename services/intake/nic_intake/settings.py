"""Intake settings: environment variables prefixed `NIC_INTAKE_`."""

from __future__ import annotations

from nic_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_INTAKE_", extra="ignore")

    service_name: str = "intake"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///.data/intake.db"
