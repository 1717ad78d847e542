"""Schemes the scoring tests share: Innovasjonsrammen's 25/35/20/20 on the 1–7 scale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from nic_shared.events.specs import Criterion, LocalText, Scale, ScoringSchemeSpec

INNOVASJONSRAMMEN_WEIGHTS = {
    "anchoring": 25,
    "innovation": 35,
    "sustainability": 20,
    "feasibility": 20,
}


def make_scheme(
    weights: dict[str, int],
    *,
    thresholds: dict[str, str] | None = None,
    scale: tuple[str, str, str] = ("1", "7", "1"),
    **options: Any,
) -> ScoringSchemeSpec:
    thresholds = thresholds or {}
    low, high, step = scale
    return ScoringSchemeSpec(
        criteria=[
            Criterion(
                id=cid,
                name=LocalText(nb=cid, en=cid),
                weight=weight,
                threshold=Decimal(thresholds[cid]) if cid in thresholds else None,
            )
            for cid, weight in weights.items()
        ],
        scale=Scale(min=Decimal(low), max=Decimal(high), step=Decimal(step)),
        **options,
    )


@pytest.fixture(scope="session")
def innovasjonsrammen() -> ScoringSchemeSpec:
    return make_scheme(INNOVASJONSRAMMEN_WEIGHTS, tie_break=["innovation", "feasibility"])


@pytest.fixture(scope="session")
def scheme_factory() -> Any:
    return make_scheme
