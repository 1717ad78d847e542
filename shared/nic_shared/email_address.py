"""E-mail addresses a client gives (a partner's contact, a reviewer): as Pydantic's EmailStr
reads them, but refused under a rule of their own, `email`. A schema's `format: email`
cannot say that names under special-use domains (`.test`, `.local`, `.invalid`) or with
quoted local parts are refused; the field's description and that rule can."""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

EMAIL_RULE = "email"
EMAIL_DESCRIPTION = (
    "An e-mail address that can receive mail: a special-use domain (.test, .local, .invalid, "
    "...) or a malformed one is 422 validation-error, rule email."
)


def checked(value: str) -> str:
    """The address normalised (the domain in lower case), or the `email` error saying why."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise PydanticCustomError(
            EMAIL_RULE, "not a usable e-mail address: {why}", {"why": str(exc)}
        ) from exc


Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}, description=EMAIL_DESCRIPTION),
    AfterValidator(checked),
]
