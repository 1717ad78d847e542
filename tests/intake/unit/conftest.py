"""Builders for intake domain tests: valid organisation numbers and a complete draft."""

from __future__ import annotations

from typing import Any

import pytest

OWNER = "910000004"
PARTNER_B = "910000012"
PARTNER_C = "910000020"
OUTSIDER = "910000039"


def complete_circular_draft() -> dict[str, Any]:
    """A draft that satisfies every completeness rule of the circular value chains call."""
    return {
        "title": "Industriell symbiose i Grenland",
        "summary": "Restvarme og slagg fra tre bedrifter blir råvare for hverandre.",
        "project_start": "2024-01-01",
        "project_end": "2025-12-31",
        "project_owner": OWNER,
        "partners": [
            {"org_number": OWNER, "name": "Eier AS", "role": "owner", "declared_sme": True},
            {"org_number": PARTNER_B, "name": "Partner B AS", "role": "partner"},
            {"org_number": PARTNER_C, "name": "Partner C AS", "role": "partner"},
        ],
        "contact_person": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "budget": [
            {"category": "personnel", "year": 2024, "partner": OWNER, "amount_nok": 1_000_000},
            {"category": "personnel", "year": 2024, "partner": PARTNER_B, "amount_nok": 800_000},
            {"category": "services", "year": 2025, "partner": PARTNER_C, "amount_nok": 700_000},
        ],
        "requested_amount_nok": 1_200_000,
        "objectives": ["industrial_symbiosis"],
        "aid_basis": "gber_29",
        "implementation_plan": "Fase 1: kartlegging. Fase 2: pilot.",
        "attachments": [
            {
                "attachment_id": "2b6f0c64-41a8-4c57-9d59-b7c1f3a0e8a1",
                "kind": "partner_goals_and_motivation",
                "filename": "motivasjon.pdf",
                "content_type": "application/pdf",
                "size_bytes": 12345,
                "sha256": "0" * 64,
            }
        ],
    }


@pytest.fixture
def circular_draft() -> dict[str, Any]:
    return complete_circular_draft()
