"""Events the registry publishes on `nic.registry`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from nic_shared.events.base import EventPayload

TOPIC = "nic.registry"


class ClusterRegistered(EventPayload):
    TYPE = "no.nic.cluster.registered.v1"
    TOPIC = TOPIC

    cluster_id: UUID
    name: str
    facilitator_org_number: str

    def event_subject(self) -> str:
        return str(self.cluster_id)


class ClusterLevelChanged(EventPayload):
    TYPE = "no.nic.cluster.level_changed.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"level"})

    cluster_id: UUID
    level: str
    valid_from: date
    valid_to: date | None

    def event_subject(self) -> str:
        return str(self.cluster_id)


class MembershipStarted(EventPayload):
    TYPE = "no.nic.membership.started.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"actor_type"})

    membership_id: UUID
    cluster_id: UUID
    organisation_key: str
    actor_type: str
    valid_from: date

    def event_subject(self) -> str:
        return str(self.cluster_id)


class MembershipEnded(EventPayload):
    TYPE = "no.nic.membership.ended.v1"
    TOPIC = TOPIC

    membership_id: UUID
    cluster_id: UUID
    organisation_key: str
    valid_to: date

    def event_subject(self) -> str:
        return str(self.cluster_id)


class ActivityRegistered(EventPayload):
    TYPE = "no.nic.activity.registered.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"activity_type", "participant_count"})

    activity_id: UUID
    cluster_id: UUID
    activity_date: date
    activity_type: str
    participant_count: int

    def event_subject(self) -> str:
        return str(self.cluster_id)


class ClusterEvaluated(EventPayload):
    """An annual evaluation decided; the officer's assessment stays in the registry."""

    TYPE = "no.nic.cluster.evaluated.v1"
    TOPIC = TOPIC
    OPS_SHOWN = frozenset({"year"})

    evaluation_id: UUID
    cluster_id: UUID
    year: int
    outcome: Literal["continue", "warning", "exit"]
    decided_at: datetime

    def event_subject(self) -> str:
        return str(self.cluster_id)


class OrganisationUpdated(EventPayload):
    TYPE = "no.nic.organisation.updated.v1"
    TOPIC = TOPIC

    organisation_key: str
    name: str

    def event_subject(self) -> str:
        return self.organisation_key
