"""Registry settings: environment variables prefixed `NIC_REGISTRY_`."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///.data/registry.db"

    brreg_url: str | None = Field(
        default=None,
        description=(
            "Base URL of Brønnøysund's open API, e.g. https://data.brreg.no. None (the "
            "default, and the embedded setup without internet) turns lookups off: "
            "organisations are then registered by hand."
        ),
    )
    brreg_timeout_s: float = Field(default=5.0, gt=0)
    brreg_retries: int = Field(default=2, ge=0, description="Retries after the first attempt.")
    brreg_backoff_s: float = Field(default=0.2, ge=0)
    nok_per_eur: Decimal = Field(
        default=Decimal("11.5"),
        gt=0,
        description="NOK per EUR for the EU SME ceilings; a dated fact, set it per year.",
    )
    csv_max_bytes: int = Field(default=5_000_000, ge=1000)
    expiry_warning_lead_days: int = Field(
        default=180,
        ge=1,
        le=730,
        description=(
            "How many days before a level period, an ESCA label or a mature qualification "
            "runs out the evaluation warns (a request may ask for 1-730)."
        ),
    )
