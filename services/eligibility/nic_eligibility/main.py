"""The eligibility service: decides who may be funded, and explains why."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_eligibility import api
from nic_eligibility.consumers import SUBSCRIPTIONS
from nic_eligibility.models import messaging
from nic_eligibility.settings import EligibilitySettings
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import intake

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: EligibilitySettings | None = None) -> FastAPI:
    return create_service_app(
        ServiceSpec(
            settings=settings or EligibilitySettings(),
            title="NIC eligibility",
            description="Every call's eligibility rules, decided automatically and explained.",
            tables=messaging,
            routers=[api.router],
            consumes=[intake.TOPIC],
            subscriptions=SUBSCRIPTIONS,
            openapi_tags=[{"name": "rule sets", "description": "Each call's rule set."}],
        )
    )
