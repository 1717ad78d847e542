"""The intake service: calls, applications and the deadline."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_intake.calls import api as calls_api
from nic_intake.models import messaging
from nic_intake.settings import IntakeSettings
from nic_shared.app import ServiceSpec, create_service_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        ServiceSpec(
            settings=settings or IntakeSettings(),
            title="NIC intake",
            description="Calls, applications, submission before a hard deadline, receipts.",
            tables=messaging,
            routers=[calls_api.router],
            openapi_tags=[{"name": "calls", "description": "Calls for proposals."}],
        )
    )
