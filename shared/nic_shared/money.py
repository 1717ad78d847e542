"""Shared value types: money in whole NOK, organisation numbers, percentages.

Money is an integer number of kroner. `Nok` is strict, so 1.5, 1.0 and "100" are refused
at the edge instead of being rounded somewhere deep inside.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from nic_shared import orgnr

Nok = Annotated[int, Field(strict=True, ge=0, le=10**12)]
Percent = Annotated[int, Field(strict=True, ge=0, le=100)]
OrgNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(orgnr.validate),
]
