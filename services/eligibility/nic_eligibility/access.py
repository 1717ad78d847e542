"""Who may read what. Officers read everything; applicants read the outcome and reasons of
their own organisation's applications (anything else answers 404); panel members, cluster
managers and others get 403 here: eligibility is not theirs to see."""

from __future__ import annotations

from nic_shared.auth import Principal, Role
from nic_shared.problems import Forbidden

READ_SCOPE = "eligibility:read"


def is_officer(principal: Principal) -> bool:
    """Programme officers, and machine clients with the eligibility:read scope."""
    return principal.has_role(Role.PROGRAMME_OFFICER) or principal.has_scope(READ_SCOPE)


def reader(principal: Principal) -> Principal:
    """Officers and applicants bound to an organisation; 403 for everyone else."""
    if is_officer(principal):
        return principal
    if principal.has_role(Role.APPLICANT) and principal.org_number:
        return principal
    raise Forbidden(
        "eligibility is read by programme officers and by applicants for their own applications",
        detail_nb="vurderinger leses av saksbehandlere og av søkere for egne søknader",
    )


def may_read(principal: Principal, applicant_org_number: str) -> bool:
    return is_officer(principal) or (
        principal.has_role(Role.APPLICANT) and principal.org_number == applicant_org_number
    )


def officer(principal: Principal) -> Principal:
    if not principal.has_role(Role.PROGRAMME_OFFICER):
        raise Forbidden(
            "this needs the programme_officer role", detail_nb="dette krever saksbehandlerrollen"
        )
    return principal
