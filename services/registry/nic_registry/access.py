"""Who may do what in the registry (issue 3 §9).

Programme officers manage clusters, levels and business-network customers; a cluster manager
manages the members and activities of their own cluster only, and another cluster's answer
is 404 (it is not theirs to know about); authenticated users read public cluster
information; machine clients read by scope (`registry:read`). Applicants write nothing.
Organisations' financial figures (headcount, turnover, balance sheet) go only to officers,
machine readers and the organisation's own applicant users: they decide SME aid intensity,
which is the programme's business, not a cluster manager's.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from nic_shared.auth import Principal, Role, authenticate, require
from nic_shared.problems import NotFound

READ_SCOPE = "registry:read"

Officer = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER))]
"""Programme officers only (clusters, levels, business network, organisation facts)."""

ClusterWriter = Annotated[Principal, Depends(require(Role.PROGRAMME_OFFICER, Role.CLUSTER_MANAGER))]
"""Officers, and cluster managers for their own cluster (checked with `ensure_cluster`)."""

Reader = Annotated[
    Principal,
    Depends(require(Role.PROGRAMME_OFFICER, Role.CLUSTER_MANAGER, scopes=(READ_SCOPE,))),
]
"""Officers, cluster managers (their own cluster) and machine clients with `registry:read`."""

Anyone = Annotated[Principal, Depends(authenticate)]
"""Any authenticated caller: public cluster information."""

ProgrammeReader = Annotated[
    Principal, Depends(require(Role.PROGRAMME_OFFICER, scopes=(READ_SCOPE,)))
]
"""Officers and machine clients: what spans every cluster (business network, all memberships)."""


def sees_financials(principal: Principal, org_key: str | None = None) -> bool:
    """Officers and machine readers; an applicant for its own organisation."""
    if principal.has_role(Role.PROGRAMME_OFFICER) or principal.has_scope(READ_SCOPE):
        return True
    return (
        org_key is not None
        and principal.has_role(Role.APPLICANT)
        and (principal.org_number == org_key)
    )


def ensure_cluster(principal: Principal, cluster_id: UUID, *, write: bool) -> None:
    """404 for a cluster manager asking about another cluster (or a reader without rights)."""
    if principal.has_role(Role.PROGRAMME_OFFICER):
        return
    if not write and principal.has_scope(READ_SCOPE):
        return
    if principal.has_role(Role.CLUSTER_MANAGER) and principal.cluster_id == cluster_id:
        return
    raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
