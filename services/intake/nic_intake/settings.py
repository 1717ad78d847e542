"""Intake settings: environment variables prefixed `NIC_INTAKE_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nic_shared.settings import LinkSigning, ServiceSettings

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


class IntakeSettings(ServiceSettings, LinkSigning):
    model_config = SettingsConfigDict(env_prefix="NIC_INTAKE_", extra="ignore")

    service_name: str = "intake"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///.data/intake.db"

    data_dir: str = Field(default=".data/intake", description="Attachments and the mail folder.")
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    attachment_max_count: int = Field(
        default=30, ge=1, description="Attachments one application may hold at once."
    )
    attachment_max_total_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, description="Their total size, in bytes."
    )
    attachment_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))

    clamd_address: str | None = Field(
        default=None,
        description="ClamAV's clamd scanning every upload: unix:/path/clamd.sock or "
        "tcp:host:port. Unset: uploads are held as unscanned (see allow_unscanned_attachments).",
    )
    clamd_timeout_s: float = Field(default=30.0, gt=0, description="One scan, at most.")
    clamd_connect_wait_s: float = Field(
        default=10.0, ge=0, description="How long an upload waits for clamd to answer at all."
    )
    allow_unscanned_attachments: bool = Field(
        default=False,
        description="Let a submission carry attachments no scanner has passed (kept marked "
        "unscanned). Off: the submit refuses them (422) until they are scanned.",
    )
    eligibility_url: str = Field(
        default="http://127.0.0.1:8002",
        description="Eligibility's base URL: a draft read with include=eligibility asks its "
        "dry run (POST /v1/eligibility/check) on the caller's own token.",
    )
    eligibility_timeout_s: float = Field(default=5.0, gt=0)
    submissions_per_application_per_hour: int = Field(
        default=30,
        ge=1,
        description="Submissions (new versions) one application may make in any hour; the "
        "next gets 429 with Retry-After. Generous: a limit must not cost anyone a deadline.",
    )
    receipt_mails_per_application_per_hour: int = Field(
        default=5,
        ge=0,
        description="Receipt e-mails per application in any hour; later submissions in that "
        "hour are received as always, with no mail (the receipt stays in the API).",
    )
    receipt_mails_per_address_per_hour: int = Field(
        default=20,
        ge=0,
        description="Receipt e-mails to one address in any hour, across all applications.",
    )

    decision_acceptance_days: int = Field(
        default=14, ge=1, description="Days a granted applicant has to accept (per decision too)."
    )
    lapse_poll_interval_s: float = Field(
        default=60.0, gt=0, description="How often each instance lapses unanswered grants."
    )

    cluster_sweep_poll_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="How often each instance closes the proposals of clusters that "
        "forwarded nothing by their deadline (Innovasjonsrammen).",
    )

    def mail_dir(self) -> str:
        return self.mail_folder or f"{self.data_dir}/mail"
