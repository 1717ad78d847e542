"""The roles the contract fuzzing acts as, and the one operation it may not judge."""

from __future__ import annotations

import uuid

from tests.support.services import auth

ROLES: dict[str, dict[str, str]] = {
    "applicant": auth("applicant", org="974760673", subject="user-974760673"),
    "cluster_manager": auth("cluster_manager", cluster=str(uuid.UUID(int=1))),
    "panel_member": auth("panel_member", panel_member=str(uuid.UUID(int=2))),
    "programme_officer": auth("programme_officer"),
    "operations": auth("operations"),
}

# Issue 19: the Brønnøysund lookup cannot reach its upstream under test; it answers a
# documented 503 with Retry-After, and is left out by name, nothing else is.
EXCLUDED = {"registry:POST /v1/organisations/{org_number}/brreg-lookup"}


def excluded(service: str, label: str) -> bool:
    """Whether `service`'s operation `label` ("METHOD /path") is not fuzzed."""
    return f"{service}:{label}" in EXCLUDED
