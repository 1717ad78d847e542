"""The event contract: the CloudEvents envelope and the catalogue of typed payloads.

Importing this package registers every payload type, one module per producing service.
"""

from nic_shared.events import eligibility, intake, registry, scoring
from nic_shared.events.base import CATALOGUE, EventPayload, UnknownEventType, new_event, parse
from nic_shared.events.envelope import CloudEvent

TOPICS = (intake.TOPIC, eligibility.TOPIC, scoring.TOPIC, registry.TOPIC)

__all__ = [
    "CATALOGUE",
    "TOPICS",
    "CloudEvent",
    "EventPayload",
    "UnknownEventType",
    "new_event",
    "parse",
]
