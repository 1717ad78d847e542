"""The registry: clusters, their members and activities (the cluster portal)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from nic_registry.activities import api as activities_api
from nic_registry.admissions.consumer import SUBSCRIPTIONS
from nic_registry.business_network import api as business_network_api
from nic_registry.clusters import api as clusters_api
from nic_registry.evaluations import api as evaluations_api
from nic_registry.facts import api as facts_api
from nic_registry.memberships import api as memberships_api
from nic_registry.models import messaging
from nic_registry.organisations import api as organisations_api
from nic_registry.organisations.brreg_client import BrregClient
from nic_registry.programme import api as programme_api
from nic_registry.reports import api as reports_api
from nic_registry.settings import RegistrySettings
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import intake

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

TAGS = [
    {"name": "clusters", "description": "Clusters and their levels, NCE, mature, ESCA history."},
    {"name": "members", "description": "Memberships by actor type and period; CSV in and out."},
    {"name": "activities", "description": "The clusters' activity logs."},
    {"name": "reports", "description": "Annual reports per cluster and year."},
    {"name": "organisations", "description": "Organisations, by hand or from Brønnøysund."},
    {"name": "business network", "description": "Business-network customers."},
    {"name": "facts", "description": "Everything eligibility needs, in one request."},
    {"name": "evaluations", "description": "Annual evaluations and expiry warnings."},
]


def create_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()

    @asynccontextmanager
    async def resources(app: FastAPI) -> AsyncIterator[None]:
        client = (
            BrregClient(
                settings.brreg_url,
                timeout_s=settings.brreg_timeout_s,
                retries=settings.brreg_retries,
                backoff_s=settings.brreg_backoff_s,
            )
            if settings.brreg_url
            else None
        )
        app.state.brreg = client
        try:
            yield
        finally:
            if client is not None:
                await client.aclose()

    return create_service_app(
        ServiceSpec(
            settings=settings,
            title="NIC registry",
            description="Clusters, members, activities and the facts eligibility needs.",
            tables=messaging,
            routers=[
                clusters_api.router,
                memberships_api.router,
                activities_api.router,
                reports_api.router,
                programme_api.router,
                organisations_api.router,
                business_network_api.router,
                facts_api.router,
                evaluations_api.router,
            ],
            consumes=[intake.TOPIC],
            subscriptions=SUBSCRIPTIONS,
            openapi_tags=TAGS,
            resources=[resources],
        )
    )
