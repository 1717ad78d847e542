"""Intake settings: environment variables prefixed `NIC_INTAKE_`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import ServiceSettings

DEFAULT_CONTENT_TYPES = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
]


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIC_INTAKE_", extra="ignore")

    service_name: str = "intake"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///.data/intake.db"

    data_dir: str = Field(default=".data/intake", description="Attachments and the mail folder.")
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    attachment_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))

    mail_transport: Literal["folder", "smtp"] = "folder"
    mail_folder: str | None = Field(
        default=None, description="Where the folder transport writes .eml files."
    )
    mail_from: str = "noreply@klyngeprogrammet.no"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    mail_poll_interval_s: float = Field(default=1.0, gt=0)
    mail_backoff_max_s: float = Field(default=60.0, gt=0)
    mail_max_attempts: int = Field(default=20, ge=1)

    def mail_dir(self) -> str:
        return self.mail_folder or f"{self.data_dir}/mail"
