"""What a call tells the other services: its eligibility rule set and its scoring scheme.

Both travel inside CallPublished, so eligibility and scoring keep their own copy and a new
call with other limits or weights needs no code.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Scheme(StrEnum):
    """The call schemes of the seeds; each has a template of defaults in intake."""

    MATURE_CLUSTERS = "mature_clusters"
    INNOVASJONSRAMMEN = "innovasjonsrammen"
    CIRCULAR_VALUE_CHAINS = "circular_value_chains"
    ARENA = "arena"
    ARENA_PRO = "arena_pro"


RuleParameter = int | bool | str | list[str] | list[int]


class RuleSetSpec(BaseModel):
    """A rule set chosen by name and parameterised by the call (limits, counts, allowed articles)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, examples=["innovasjonsrammen"])
    version: int = Field(default=1, ge=1)
    parameters: dict[str, RuleParameter] = Field(default_factory=dict)


class LocalText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    weight: int = Field(strict=True, ge=1, le=100)
    threshold: Decimal | None = None


class Scale(BaseModel):
    """A marking scale: 1–7 in steps of 1 (Forskningsrådet), 0–5 in steps of 0.5 (Horizon Europe)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Decimal
    max: Decimal
    step: Decimal = Field(gt=0)
    labels: dict[str, LocalText] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("scale min must be below max")
        return self

    def allows(self, mark: Decimal) -> bool:
        """True when the mark lies on the scale and on one of its steps."""
        return self.min <= mark <= self.max and (mark - self.min) % self.step == 0


class ScoringSchemeSpec(BaseModel):
    """Weighted criteria on a scale, thresholds, aggregation, tie-breaks and the consensus step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    criteria: list[Criterion] = Field(min_length=1)
    scale: Scale
    overall_threshold: Decimal | None = None
    aggregation: Literal["mean", "median"] = "mean"
    tie_break: list[str] = Field(
        default_factory=list,
        description="Criterion ids in priority order; the earliest submission decides last.",
    )
    consensus_required: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ScoringSchemeSpec:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        if sum(c.weight for c in self.criteria) != 100:
            raise ValueError("criterion weights must sum to 100")
        unknown = set(self.tie_break) - set(ids)
        if unknown:
            raise ValueError(f"tie_break names unknown criteria: {sorted(unknown)}")
        return self
