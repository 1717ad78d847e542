"""Eligibility settings: environment variables prefixed `NIC_ELIGIBILITY_`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
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
    oauth_token_url: str | None = Field(
        default=None,
        description="The identity provider's OAuth2 token endpoint: eligibility gets its "
        "registry token there by client credentials. Required in production; unset, the "
        "service mints short-lived tokens with its JWT secret, issuer and audience.",
    )
    oauth_client_id: str | None = Field(default=None, description="Our OAuth2 client id.")
    oauth_client_secret: SecretStr | None = Field(
        default=None, description="Our OAuth2 client secret (or oauth_client_secret_file)."
    )
    oauth_client_secret_file: str | None = Field(
        default=None,
        description="A file holding the client secret (a Docker or Kubernetes secret), read "
        "into oauth_client_secret when the settings load.",
    )
    oauth_scope: str = Field(
        default="registry:read", description="The scope asked for; the registry needs this one."
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

    @model_validator(mode="after")
    def _client_secret_from_file(self) -> EligibilitySettings:
        if not self.oauth_client_secret_file:
            return self
        if self.oauth_client_secret is not None:
            raise ValueError("oauth_client_secret and oauth_client_secret_file are both set")
        try:
            secret = Path(self.oauth_client_secret_file).read_text().rstrip("\r\n")
        except OSError as error:
            raise ValueError(
                f"oauth_client_secret_file {self.oauth_client_secret_file}: {error.strerror}"
            ) from error
        self.oauth_client_secret = SecretStr(secret)
        return self

    @model_validator(mode="after")
    def _client_credentials_complete(self) -> EligibilitySettings:
        """Production takes its registry token from the identity provider; a token URL
        needs the client's id and secret wherever it is set."""
        if self.environment == "production" and not self.oauth_token_url:
            raise ValueError(
                "oauth_token_url is not set: in production eligibility gets its registry "
                "token by OAuth2 client credentials; set NIC_ELIGIBILITY_OAUTH_TOKEN_URL, "
                "NIC_ELIGIBILITY_OAUTH_CLIENT_ID and NIC_ELIGIBILITY_OAUTH_CLIENT_SECRET_FILE "
                "(or _OAUTH_CLIENT_SECRET)"
            )
        if self.oauth_token_url:
            missing = [
                name
                for name, value in (
                    ("oauth_client_id", self.oauth_client_id),
                    ("oauth_client_secret", self.oauth_client_secret),
                )
                if not value or (isinstance(value, SecretStr) and not value.get_secret_value())
            ]
            if missing:
                raise ValueError(f"oauth_token_url is set but {' and '.join(missing)} not")
        return self
