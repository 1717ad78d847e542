"""Facts for a set of organisations and a cluster at a date, in a fixed number of queries.

Organisations, their business-network periods, their memberships, and the clusters those
name (clusters, periods, labels): six queries whether 1 or 200 organisations are asked for.
The rules are the domain's (`domain.facts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_registry.clusters.history import histories
from nic_registry.domain.facts import cluster_facts, organisation_facts
from nic_registry.memberships.service import to_domain as membership
from nic_registry.models import BusinessNetworkPeriod, Membership, Organisation
from nic_registry.organisations.convert import to_domain as organisation
from nic_registry.organisations.service import key_rule, parse_key
from nic_shared.contracts.registry_facts import (
    ClusterFacts,
    FactsQuery,
    FactsResponse,
    OrganisationFacts,
)
from nic_shared.problems import NotFound, UnprocessableContent


def keys_of(query: FactsQuery) -> list[str]:
    """The keys asked for, normalised, each once, in the order given; 422 names a bad one."""
    keys: list[str] = []
    errors: list[dict[str, str]] = []
    for i, raw in enumerate(query.organisations):
        try:
            keys.append(parse_key(raw, f"organisations/{i}"))
        except UnprocessableContent as exc:
            errors.append(
                {
                    "pointer": f"#/organisations/{i}",
                    "rule": key_rule(raw),
                    "detail": str(exc.detail),
                }
            )
    if errors:
        raise UnprocessableContent("; ".join(e["detail"] for e in errors), errors=errors)
    return list(dict.fromkeys(keys))


async def facts(session: AsyncSession, query: FactsQuery, nok_per_eur: Decimal) -> FactsResponse:
    answers, cluster = await _facts(
        session, keys_of(query), query.cluster_id, query.as_of, nok_per_eur
    )
    return FactsResponse(as_of=query.as_of, organisations=answers, cluster=cluster)


async def organisation_clusters(
    session: AsyncSession, key: str, day: date, nok_per_eur: Decimal
) -> OrganisationFacts:
    answers, _ = await _facts(session, [key], None, day, nok_per_eur)
    return answers[0]


async def _rows(session: AsyncSession, model: Any, where: Any) -> Sequence[Any]:
    return (await session.execute(select(model.__table__).where(where))).all()


async def _facts(
    session: AsyncSession,
    keys: Sequence[str],
    cluster_id: UUID | None,
    day: date,
    nok_per_eur: Decimal,
) -> tuple[list[OrganisationFacts], ClusterFacts | None]:
    # Core rows, not ORM instances: read-only, and several times cheaper to load.
    rows: dict[str, Any] = {}
    network: dict[str, list[Any]] = defaultdict(list)
    memberships: dict[str, list[Any]] = defaultdict(list)
    if keys:
        for o in await _rows(session, Organisation, Organisation.key.in_(keys)):
            rows[o.key] = o
        bn = BusinessNetworkPeriod
        for p in await _rows(session, bn, bn.organisation_key.in_(keys)):
            network[p.organisation_key].append(p)
        for m in await _rows(session, Membership, Membership.organisation_key.in_(keys)):
            memberships[m.organisation_key].append(m)
    cluster_ids = {m.cluster_id for ms in memberships.values() for m in ms}
    if cluster_id is not None:
        cluster_ids.add(cluster_id)
    clusters = await histories(session, cluster_ids)
    if cluster_id is not None and cluster_id not in clusters:
        raise NotFound(f"no cluster {cluster_id}", detail_nb=f"ingen klynge {cluster_id}")
    answers = [
        organisation_facts(
            key,
            day,
            organisation(rows[key], network[key]) if key in rows else None,
            [membership(m) for m in memberships[key]],
            clusters,
            nok_per_eur,
        )
        for key in keys
    ]
    cluster = cluster_facts(clusters[cluster_id], day) if cluster_id is not None else None
    return answers, cluster
