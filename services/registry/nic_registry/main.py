"""The registry: clusters, their members and activities (the cluster portal)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_registry.models import messaging
from nic_registry.settings import RegistrySettings
from nic_shared.app import ServiceSpec, create_service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: RegistrySettings | None = None) -> FastAPI:
    return create_service_app(
        ServiceSpec(
            settings=settings or RegistrySettings(),
            title="NIC registry",
            description="Clusters, members, activities and the facts eligibility needs.",
            tables=messaging,
            routers=[],
        )
    )
