"""The eligibility service: decides who may be funded, and explains why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from nic_eligibility import api
from nic_eligibility.assessments import api as assessments_api
from nic_eligibility.assessments.flow import AssessmentFlow
from nic_eligibility.check import api as check_api
from nic_eligibility.consumers import subscriptions
from nic_eligibility.models import messaging
from nic_eligibility.registry import RegistryClient
from nic_eligibility.settings import EligibilitySettings
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import intake

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: EligibilitySettings | None = None) -> FastAPI:
    settings = settings or EligibilitySettings()
    registry = RegistryClient(settings)
    flow = AssessmentFlow(registry)

    @asynccontextmanager
    async def resources(app: FastAPI) -> AsyncIterator[None]:
        flow.db = app.state.db
        await registry.open()
        app.state.registry = registry
        try:
            yield
        finally:
            await registry.close()

    return create_service_app(
        ServiceSpec(
            settings=settings,
            title="NIC eligibility",
            description="Every call's eligibility rules, decided automatically and explained.",
            tables=messaging,
            routers=[api.router, assessments_api.router, check_api.router],
            consumes=[intake.TOPIC],
            subscriptions=subscriptions(flow),
            openapi_tags=[
                {"name": "rule sets", "description": "Each call's rule set."},
                {"name": "assessments", "description": "Decisions, the queue and overrides."},
                {"name": "dry run", "description": "Would an application be eligible?"},
            ],
            resources=[resources],
        )
    )
