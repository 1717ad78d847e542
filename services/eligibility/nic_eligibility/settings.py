"""Eligibility settings: environment variables prefixed `NIC_ELIGIBILITY_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import ServiceSettings


class EligibilitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_ELIGIBILITY_", extra="ignore")

    service_name: str = "eligibility"
    port: int = 8002
    database_url: str = "sqlite+aiosqlite:///.data/eligibility.db"

    registry_url: str = Field(
        default="http://127.0.0.1:8004",
        description="Base URL of the registry; eligibility calls its POST /v1/facts.",
    )
    registry_token: str | None = Field(
        default=None,
        description="A bearer token for the registry (scope registry:read). When unset the "
        "service mints its own with its JWT secret, issuer and audience (development, tests).",
    )
    registry_connect_timeout_s: float = Field(default=2.0, gt=0)
    registry_timeout_s: float = Field(default=5.0, gt=0, description="Read/write/pool timeout.")
    registry_attempts: int = Field(
        default=3, ge=1, description="Tries per facts request before the event waits its turn."
    )
    registry_backoff_s: float = Field(
        default=0.2, ge=0, description="First pause between tries; doubled each time."
    )
    queue_page_max: int = Field(default=200, ge=1)
