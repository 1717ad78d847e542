"""Shared value types: money in whole NOK, organisation numbers, percentages.

Money is an integer number of kroner. `Nok` is strict, so 1.5, 1.0 and "100" are refused
at the edge instead of being rounded somewhere deep inside. JSON Schema calls 1.0 an
integer, so the documents say it (rule `int_type`); an organisation number's check digit is
a rule no pattern states either (rule `mod11`): tests/contract/checks.py holds both.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from nic_shared import orgnr
from nic_shared.patterns import ORG_NUMBER

INTEGER_LITERAL = (
    'Written as a JSON integer: 1500.0 or "1500" is 422 validation-error, rule int_type.'
)
Nok = Annotated[
    int, Field(strict=True, ge=0, le=10**12, description=f"Whole NOK. {INTEGER_LITERAL}")
]
Percent = Annotated[int, Field(strict=True, ge=0, le=100, description=INTEGER_LITERAL)]

MOD11_RULE = "mod11"
ORG_NUMBER_DESCRIPTION = (
    "A Norwegian organisation number: nine digits, the last a MOD11 check digit of the first "
    "eight (weights 3 2 7 6 5 4 3 2); a wrong check digit is 422 validation-error, rule mod11."
)


def check_digit(value: str) -> str:
    """The number unchanged, or the `mod11` error (the pattern has checked its nine digits)."""
    if not orgnr.is_valid(value):
        raise PydanticCustomError(
            MOD11_RULE, "the organisation number's MOD11 check digit is wrong"
        )
    return value


OrgNumber = Annotated[
    str,
    Field(pattern=ORG_NUMBER, description=ORG_NUMBER_DESCRIPTION),
    AfterValidator(check_digit),
]
