"""One settings base for every service; each service subclasses it with its own env prefix.

`NIC_INTAKE_DATABASE_URL`, `NIC_SCORING_PORT`, ... : a service reads only its own prefix,
so four services can run side by side from one environment.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"
DEV_LINK_SECRET = "dev-only-attachment-link-secret-not-for-production"
_PLACEHOLDERS = {DEV_JWT_SECRET, "", "changeme", "change-me", "secret"}


class ServiceSettings(BaseSettings):
    """What every service needs: where it listens, its database, the broker, auth, CORS."""

    model_config = SettingsConfigDict(env_prefix="NIC_", extra="ignore")

    service_name: str
    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int
    database_url: str
    db_pool_size: int = Field(default=10, ge=1)
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, description="How long a write waits for SQLite's lock before 503."
    )
    db_lock_timeout_ms: int = Field(
        default=5000, ge=0, description="PostgreSQL lock_timeout: a lock wait beyond it is 503."
    )
    db_statement_timeout_ms: int = Field(default=30000, ge=0)

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotence: bool = Field(
        default=False,
        description="On for Apache Kafka; the embedded Tansu broker refuses InitProducerId.",
    )
    kafka_topic_prefix: str = ""
    kafka_partitions: int = Field(default=6, ge=1)
    kafka_replication_factor: int = Field(
        default=1,
        ge=1,
        description="For the topics a service creates: 3 on a production Kafka cluster.",
    )
    kafka_fetch_max_wait_ms: int = Field(default=10, ge=0)
    kafka_session_timeout_ms: int = Field(default=10000, ge=1000)
    kafka_heartbeat_interval_ms: int = Field(default=3000, ge=100)
    kafka_request_timeout_ms: int = Field(default=10000, ge=1000)

    relay_batch_size: int = Field(default=500, ge=1)
    relay_poll_interval_s: float = Field(default=1.0, gt=0)
    relay_backoff_max_s: float = Field(default=5.0, gt=0)
    outbox_retention_hours: int = Field(
        default=72,
        ge=0,
        description="Sent outbox rows are kept this long (for `republish --since`), then "
        "pruned; unsent rows are never pruned.",
    )
    idempotency_retention_hours: int = Field(
        default=168,
        ge=1,
        description="An Idempotency-Key and its stored answer are kept this long: a retry "
        "within it replays the first answer; after it the key is pruned and acts as new.",
    )
    inbox_retention_hours: int = Field(
        default=720,
        ge=1,
        description="Handled event ids (the consumer's dedupe) are kept this long; it must "
        "exceed how long the broker may redeliver an event (its log retention) and the "
        "outbox retention, or a redelivery would apply twice.",
    )
    retention_interval_s: float = Field(
        default=600.0, gt=0, description="How often the retention pass runs."
    )
    retention_batch_size: int = Field(
        default=1000, ge=1, description="Rows deleted per transaction by the retention pass."
    )

    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_initial_s: float = Field(default=0.1, gt=0)
    consumer_backoff_max_s: float = Field(default=10.0, gt=0)

    jwt_secret: str = DEV_JWT_SECRET
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "nic-dev"
    jwt_audience: str = "nic-platform"
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["HS256", "RS256", "ES256"])
    token_max_lifetime_s: int = Field(
        default=12 * 3600,
        ge=60,
        description=(
            "The longest a bearer token may live: one whose `exp` is further from now (or, "
            "with `iat`, from its issue) is refused with 401."
        ),
    )
    max_json_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1,
        description=(
            "The largest JSON (or form, or untyped) request body, in bytes: a larger one is "
            "refused with 413 before it is read. Raw uploads (attachments, CSV imports, "
            "multipart) are not limited by it; their routes have their own limits."
        ),
    )

    http_keepalive_timeout_s: int = Field(
        default=5, ge=1, le=300, description="An idle keep-alive connection is closed after this."
    )
    http_limit_concurrency: int = Field(
        default=500,
        ge=1,
        description=(
            "Connections and tasks one process serves at once; beyond it uvicorn answers 503. "
            "Slow clients sending headers byte by byte are the proxy's to cut off "
            "(client_header_timeout), as uvicorn has no header timeout."
        ),
    )

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

    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    ops_break_glass: bool = Field(
        default=False,
        description="Let the ops_break_glass role see events in full on the stream and the "
        "ops views, every read written to ops_audit (off: it sees them redacted).",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description=(
            "An OpenTelemetry collector's OTLP/HTTP base URL (e.g. http://127.0.0.1:4318): "
            "spans are exported there. Unset or empty: no spans are exported."
        ),
    )

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> ServiceSettings:
        weak = self.jwt_secret in _PLACEHOLDERS or len(self.jwt_secret) < 32
        if self.environment != "development" and self.jwt_jwks_url is None and weak:
            raise ValueError(
                "jwt_secret is a placeholder or shorter than 32 characters; "
                "set a real secret or a JWKS URL outside development"
            )
        if "none" in {a.lower() for a in self.jwt_algorithms}:
            raise ValueError("the 'none' JWT algorithm is never allowed")
        if self.inbox_retention_hours < self.outbox_retention_hours:
            raise ValueError(
                "inbox_retention_hours must be at least outbox_retention_hours: a republished "
                "event would otherwise find its id pruned and apply twice"
            )
        return self

    def mail_dir(self) -> str:
        """Where the folder transport writes (services with a data folder put it there)."""
        return self.mail_folder or f".data/{self.service_name}/mail"

    def topic(self, name: str) -> str:
        """A topic's name on the broker (a prefix lets tests and tenants share one broker)."""
        return f"{self.kafka_topic_prefix}{name}"

    @property
    def consumer_group(self) -> str:
        return f"{self.kafka_topic_prefix}nic-{self.service_name}"

    database_password_file: str | None = Field(
        default=None,
        description=(
            "A file holding the database password (a Docker or Kubernetes secret), put into "
            "database_url when the settings load, so that the URL itself names no password."
        ),
    )

    @model_validator(mode="after")
    def _database_password_from_file(self) -> ServiceSettings:
        if not self.database_password_file:
            return self
        from pathlib import Path

        from sqlalchemy.engine import make_url

        try:
            password = Path(self.database_password_file).read_text().rstrip("\r\n")
        except OSError as error:
            raise ValueError(
                f"database_password_file {self.database_password_file}: {error.strerror}"
            ) from error
        url = make_url(self.database_url)
        if url.password is not None:
            raise ValueError("database_url names a password and database_password_file is set")
        self.database_url = url.set(password=password).render_as_string(hide_password=False)
        return self

    http_workers: int | None = Field(
        default=None,
        ge=1,
        description=(
            "uvicorn worker processes `serve` runs, each with its own background workers; "
            "unset: WEB_CONCURRENCY, else 1. More than 1 needs PostgreSQL (refused on SQLite)."
        ),
    )


class LinkSigning(BaseSettings):
    """For the two services that sign (scoring) and verify (intake) panel attachment links."""

    attachment_link_secret: str = Field(
        default=DEV_LINK_SECRET,
        description="HMAC secret scoring signs panel attachment links with and intake verifies.",
    )

    @model_validator(mode="after")
    def _no_placeholder_link_secret(self) -> LinkSigning:
        placeholder = self.attachment_link_secret in {DEV_LINK_SECRET, *_PLACEHOLDERS}
        if getattr(self, "environment", "development") == "production" and (
            placeholder or len(self.attachment_link_secret) < 32
        ):
            raise ValueError(
                "attachment_link_secret is a placeholder or shorter than 32 characters"
            )
        return self
