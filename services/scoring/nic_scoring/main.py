"""The scoring service: panels, weighted reviews, ranking against the budget."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_scoring import api
from nic_scoring.consumers import SUBSCRIPTIONS
from nic_scoring.models import messaging
from nic_scoring.settings import ScoringSettings
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import eligibility, intake

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    return create_service_app(
        ServiceSpec(
            settings=settings or ScoringSettings(),
            title="NIC scoring",
            description="Panels, weighted reviews, ranking against the budget.",
            tables=messaging,
            routers=[api.router],
            consumes=[intake.TOPIC, eligibility.TOPIC],
            subscriptions=SUBSCRIPTIONS,
            openapi_tags=[{"name": "scoring schemes", "description": "Each call's scheme."}],
        )
    )
