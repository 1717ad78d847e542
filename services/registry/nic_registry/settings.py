"""Registry settings: environment variables prefixed `NIC_REGISTRY_`."""

from __future__ import annotations

from nic_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///.data/registry.db"
