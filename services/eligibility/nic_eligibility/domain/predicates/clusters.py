"""Predicates on the cluster: membership, base support, NIC status, maturity, its legal entity."""

from __future__ import annotations

from nic_eligibility.domain.classify import is_company
from nic_eligibility.domain.context import Context
from nic_eligibility.domain.engine import Verdict, check, failed, predicate
from nic_shared.contracts.registry_facts import NicStatus

FORMER_OR_CURRENT = frozenset({NicStatus.ACTIVE, NicStatus.FORMER})


@predicate("initiative_from_active_cluster_member")
def initiative_from_active_cluster_member(ctx: Context) -> Verdict:
    """The owner (or applicant) is a company and a member of the cluster on the facts' date."""
    key, cluster_id = ctx.owner, ctx.content.cluster_id
    if cluster_id is None:
        return failed(initiator=key, cluster_id=None)
    facts = ctx.org(key)
    member = any(m.cluster_id == cluster_id and m.member_at_date for m in facts.memberships)
    company = is_company(ctx.partner(key), facts)
    return check(
        member and company,
        initiator=key,
        cluster_id=str(cluster_id),
        member_at_date=member,
        company=company,
    )


@predicate("cluster_has_base_support")
def cluster_has_base_support(ctx: Context) -> Verdict:
    """Base support now (Arena, Arena Pro, GCE, NCE), or NCE base support earlier."""
    cluster = ctx.cluster
    if cluster is None:
        return failed(cluster=None)
    return check(
        cluster.base_support or cluster.formerly_nce,
        cluster=cluster.name,
        base_support=cluster.base_support,
        formerly_nce=cluster.formerly_nce,
    )


@predicate("nic_or_business_network_link")
def nic_or_business_network_link(ctx: Context) -> Verdict:
    """A company in a current/former NIC cluster or an active business-network customer,
    or the applicant itself a current or former NIC cluster's organisation."""
    keys = sorted({p.key for p in ctx.partners} | {ctx.applicant, ctx.owner})
    linked = [
        key
        for key in keys
        if is_company(ctx.partner(key), ctx.org(key))
        and (
            ctx.org(key).member_of_current_or_former_nic_cluster
            or ctx.org(key).business_network_customer
        )
    ]
    cluster = ctx.cluster
    applicant_is_cluster = (
        cluster is not None
        and cluster.facilitator_org_number == ctx.applicant
        and cluster.nic_status in FORMER_OR_CURRENT
    )
    return check(
        bool(linked) or applicant_is_cluster,
        linked_companies=linked,
        applicant_is_nic_cluster=applicant_is_cluster,
    )


@predicate("applicant_is_cluster_facilitator")
def applicant_is_cluster_facilitator(ctx: Context) -> Verdict:
    """The applicant is the legal entity that runs the named cluster."""
    cluster = ctx.cluster
    if cluster is None:
        return failed(applicant=ctx.applicant, facilitator=None)
    return check(
        cluster.facilitator_org_number == ctx.applicant,
        applicant=ctx.applicant,
        facilitator=cluster.facilitator_org_number,
    )


@predicate("applicant_mature_cluster")
def applicant_mature_cluster(ctx: Context) -> Verdict:
    """The applicant runs a cluster prequalified as mature on the facts' date (the deadline)."""
    cluster = ctx.cluster
    if cluster is None:
        return failed(applicant=ctx.applicant, facilitator=None, mature_qualified=False)
    facilitator = cluster.facilitator_org_number == ctx.applicant
    return check(
        facilitator and cluster.mature_qualified,
        applicant=ctx.applicant,
        facilitator=cluster.facilitator_org_number,
        mature_qualified=cluster.mature_qualified,
    )


@predicate("legal_entity_is_facilitator")
def legal_entity_is_facilitator(ctx: Context) -> Verdict:
    """One legal entity is the contract party, and it is the cluster's facilitator."""
    entity, cluster = ctx.content.legal_entity, ctx.cluster
    facilitator = cluster.facilitator_org_number if cluster is not None else None
    return check(
        entity is not None and entity == facilitator,
        legal_entity=entity,
        facilitator=facilitator,
    )
