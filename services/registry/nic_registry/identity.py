"""How a request names an organisation: a Norwegian number, or a country and a foreign id."""

from __future__ import annotations

import copy
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field, GetJsonSchemaHandler, field_validator, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from nic_registry.domain import keys
from nic_shared.money import ORG_NUMBER_DESCRIPTION, OrgNumber
from nic_shared.patterns import FOREIGN_ID, ONE_KEY

KEY_DESCRIPTION = (
    "An organisation number (nine digits; spaces between them are dropped) or `CC:id` for a "
    "foreign organisation (a two-letter country other than NO, a colon, its id). "
    f"{ORG_NUMBER_DESCRIPTION.split(': ', 1)[1].capitalize()}"
)
KEY_SCHEMA = {"pattern": keys.KEY_PATTERN}
KeyPath = Annotated[
    str,
    Path(max_length=keys.KEY_MAX_LENGTH, description=KEY_DESCRIPTION, json_schema_extra=KEY_SCHEMA),
]
"""An organisation in a path; the service parses it (parse_key), the schema tells its shape."""
KeyItem = Annotated[
    str,
    Field(
        max_length=keys.KEY_MAX_LENGTH, description=KEY_DESCRIPTION, json_schema_extra=KEY_SCHEMA
    ),
]
"""An organisation in a list in a body, the same."""

COUNTRY_PATTERN = r"^ *(?:[A-MO-Za-mo-z][A-Za-z]|[Nn][A-NP-Za-np-z]) *$"
FOREIGN_ID_PATTERN = FOREIGN_ID


class OrganisationIdentity(BaseModel):
    """Exactly one of `org_number` or `foreign_country` with `foreign_id`; `key` joins them."""

    org_number: OrgNumber | None = Field(default=None, examples=["988077917"])
    foreign_country: str | None = Field(
        default=None, examples=["SE"], json_schema_extra={"pattern": COUNTRY_PATTERN}
    )
    foreign_id: str | None = Field(
        default=None, max_length=64, json_schema_extra={"pattern": FOREIGN_ID_PATTERN}
    )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The one-key rule in every subclass's schema too (their configs replace extras)."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema.update(copy.deepcopy(ONE_KEY))
        return schema

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
