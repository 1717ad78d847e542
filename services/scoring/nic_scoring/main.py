"""The scoring service: panels, weighted reviews, ranking against the budget."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_scoring import (
    api,
    problem_types,  # noqa: F401  (registers the problem titles)
)
from nic_scoring.consumers import SUBSCRIPTIONS
from nic_scoring.models import MailMessage, messaging
from nic_scoring.panels import api as panels_api
from nic_scoring.panels.reminders import reminder_worker
from nic_scoring.priority import api as priority_api
from nic_scoring.ranking import api as ranking_api
from nic_scoring.reads import api as reads_api
from nic_scoring.reviews import api as reviews_api
from nic_scoring.settings import ScoringSettings
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import eligibility, intake
from nic_shared.mail import mail_worker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    return create_service_app(
        ServiceSpec(
            settings=settings,
            title="NIC scoring",
            description="Panels, weighted reviews, ranking against the budget.",
            tables=messaging,
            routers=[
                api.router,
                panels_api.router,
                reviews_api.router,
                reads_api.router,
                ranking_api.router,
                priority_api.router,
            ],
            consumes=[intake.TOPIC, eligibility.TOPIC],
            subscriptions=SUBSCRIPTIONS,
            resources=[
                mail_worker(MailMessage),
                reminder_worker(settings.reminder_poll_interval_s),
            ],
            openapi_tags=[
                {"name": "scoring schemes", "description": "Each call's scheme."},
                {"name": "panels", "description": "Members, assignments, conflicts."},
                {"name": "reviews", "description": "Reviews, consensus and results."},
                {"name": "ranking", "description": "Rankings, recommendations, export."},
                {"name": "cluster priority", "description": "Innovasjonsrammen stage 4."},
            ],
        )
    )
