"""Operations settings: environment variables prefixed `NIC_OPERATIONS_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import ServiceSettings

DEFAULT_SERVICE_URLS = {
    "intake": "http://127.0.0.1:8001",
    "eligibility": "http://127.0.0.1:8002",
    "scoring": "http://127.0.0.1:8003",
    "registry": "http://127.0.0.1:8004",
}


class OperationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_OPERATIONS_", extra="ignore")

    service_name: str = "operations"
    port: int = 8005
    database_url: str = "sqlite+aiosqlite:///.data/operations.db"

    service_urls: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_SERVICE_URLS),
        description="Base URL of each service whose /v1/ops endpoints the trail and page read.",
    )
    service_timeout_s: float = Field(default=5.0, gt=0)

    stream_keepalive_s: float = Field(default=15.0, gt=0)
    stream_ticket_ttl_s: int = Field(default=60, ge=5)
    stream_ticket_secret: str | None = Field(
        default=None,
        description="Signs EventSource tickets; random per process when unset (one instance).",
    )
    stream_max_viewers: int = Field(default=50, ge=1)
    stream_retry_ms: int = Field(
        default=3000,
        ge=0,
        description="The SSE `retry:` hint: how long EventSource waits before reconnecting.",
    )
    stream_reorder_ms: int = Field(
        default=200,
        ge=0,
        description="How long the stream holds events to put several topics in time order.",
    )

    allow_private_webhook_targets: bool = Field(
        default=False,
        description="Let webhooks target loopback, link-local and private addresses (tests).",
    )
    allow_http_webhook_targets: bool = Field(
        default=False, description="Let webhooks target plain http:// URLs (tests)."
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_ca_file: str | None = Field(
        default=None,
        description="PEM file of the CAs webhook targets' certificates are checked against "
        "(default: the certifi bundle).",
    )
    webhook_backoff_s: list[float] = Field(
        default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0, 7200.0],
        description="Wait before attempt 2, 3, ...; the last value repeats.",
    )
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_pause_after_failures: int = Field(
        default=20, ge=1, description="Consecutive failed attempts that pause a subscription."
    )
    webhook_poll_interval_s: float = Field(default=1.0, gt=0)
    webhook_concurrency: int = Field(default=8, ge=1)
