"""`POST /v1/facts`: what eligibility's rules need, in one response (registry_facts contract)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from nic_registry.access import READ_SCOPE, Reader
from nic_registry.facts import service
from nic_registry.identity import KeyPath
from nic_registry.memberships.schemas import OrganisationClusters
from nic_registry.organisations.service import parse_key
from nic_registry.problems import oslo_today
from nic_shared import problems
from nic_shared.auth import Principal, Role, require
from nic_shared.clock import ClockDep
from nic_shared.contracts.registry_facts import FactsQuery, FactsResponse, NicStatus
from nic_shared.db import SessionDep
from nic_shared.problems import NotFound

router = APIRouter(tags=["facts"])

_P: dict[str, Any] = {"content": {problems.MEDIA_TYPE: {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token", **_P},
    403: {"description": "Needs the registry:read scope or a programme officer", **_P},
    404: {"description": "No such cluster", **_P},
    422: {"description": "Invalid query, naming the organisation", **_P},
}
FactsReader = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER, scopes=(READ_SCOPE,)))]
_EXAMPLE = {
    "organisations": ["923609016", "988077917", "SE:5560360793"],
    "cluster_id": "0b0e8f3a-6c61-4e0c-9a8e-2f7d1c2b9a11",
    "as_of": "2023-09-01",
}


@router.post(
    "/v1/facts",
    summary="Facts for up to 200 organisations and a cluster at a date, in one response",
    description=(
        "Per organisation: sector, SME class, Foretaksregisteret status, group, research "
        "flag, cluster memberships (current and former) and business-network status; per "
        "cluster: level at the date, base support, NCE history, mature qualification. "
        "Organisations the registry does not know come back with `known: false`."
    ),
    responses=ERRORS,
)
async def get_facts(
    query: Annotated[
        FactsQuery,
        Body(
            openapi_examples={
                "eligibility": {"summary": "Partners of an application", "value": _EXAMPLE}
            }
        ),
    ],
    session: SessionDep,
    request: Request,
    _who: FactsReader,
) -> FactsResponse:
    return await service.facts(session, query, request.app.state.settings.nok_per_eur)


@router.get(
    "/v1/organisations/{key}/clusters",
    summary="An organisation's cluster memberships, and whether it is tied to a NIC cluster",
    responses=ERRORS,
    tags=["members"],
)
async def organisation_clusters(
    key: KeyPath,
    session: SessionDep,
    request: Request,
    clock: ClockDep,
    who: Reader,
    as_of: date | None = None,
) -> OrganisationClusters:
    """A cluster manager sees the organisation's memberships of their own cluster only (404
    when there are none): which other clusters it belongs to is not theirs to know."""
    org_key = parse_key(key)
    day = as_of or oslo_today(clock())
    facts = await service.organisation_clusters(
        session, org_key, day, request.app.state.settings.nok_per_eur
    )
    memberships, tied = facts.memberships, facts.member_of_current_or_former_nic_cluster
    if not (who.has_role(Role.PROGRAMME_OFFICER) or who.has_scope(READ_SCOPE)):
        memberships = [m for m in memberships if m.cluster_id == who.cluster_id]
        if not memberships:
            raise NotFound(f"no organisation {org_key} in your cluster")
        tied = any(m.cluster_status_at_date is not NicStatus.NEVER for m in memberships)
    return OrganisationClusters(
        organisation_key=org_key,
        as_of=day,
        memberships=memberships,
        member_of_current_or_former_nic_cluster=tied,
    )
