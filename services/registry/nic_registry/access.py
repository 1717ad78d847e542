"""Who may do what in the registry (issue 3 §9).

Programme officers manage clusters, levels and business-network customers; a cluster manager
manages the members and activities of their own cluster only, and another cluster's answer
is 404 (it is not theirs to know about); authenticated users read public cluster
information; machine clients read by scope (`registry:read`). Applicants write nothing.
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


def ensure_cluster(principal: Principal, cluster_id: UUID, *, write: bool) -> None:
    """404 for a cluster manager asking about another cluster (or a reader without rights)."""
    if principal.has_role(Role.PROGRAMME_OFFICER):
        return
    if not write and principal.has_scope(READ_SCOPE):
        return
    if principal.has_role(Role.CLUSTER_MANAGER) and principal.cluster_id == cluster_id:
        return
    raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
