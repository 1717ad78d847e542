"""How a request names an organisation: a Norwegian number, or a country and a foreign id."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator, model_validator

from nic_registry.domain import keys
from nic_shared.money import OrgNumber


class OrganisationIdentity(BaseModel):
    """Exactly one of `org_number` or `foreign_country` with `foreign_id`; `key` joins them."""

    org_number: OrgNumber | None = Field(default=None, examples=["988077917"])
    foreign_country: str | None = Field(default=None, examples=["SE"])
    foreign_id: str | None = Field(default=None, max_length=64)

    @field_validator("foreign_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return keys.country_code(value) if value is not None else None

    @field_validator("foreign_id")
    @classmethod
    def _foreign_id(cls, value: str | None) -> str | None:
        return keys.foreign_identifier(value) if value is not None else None

    @model_validator(mode="after")
    def _one_key(self) -> OrganisationIdentity:
        foreign = self.foreign_country is not None or self.foreign_id is not None
        if self.org_number is not None and foreign:
            raise ValueError("give org_number, or foreign_country with foreign_id; not both")
        if self.org_number is None and (self.foreign_country is None or self.foreign_id is None):
            raise ValueError("org_number, or foreign_country with foreign_id, is required")
        return self

    @property
    def key(self) -> str:
        if self.org_number is not None:
            return self.org_number
        return f"{self.foreign_country}:{self.foreign_id}"
