"""The intake service: calls, applications and the deadline."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from nic_intake import problem_types  # noqa: F401  (registers the problem titles)
from nic_intake.applications import api as applications_api
from nic_intake.applications import listing
from nic_intake.attachments import api as attachments_api
from nic_intake.attachments import signed as signed_attachments
from nic_intake.attachments.scanning import scanner_for
from nic_intake.attachments.storage import LocalStorage
from nic_intake.calls import api as calls_api
from nic_intake.calls import extension
from nic_intake.consortium import api as consortium_api
from nic_intake.decisions import api as decisions_api
from nic_intake.decisions.lapsing import lapse_worker
from nic_intake.letters import api as letters_api
from nic_intake.messages import api as messages_api
from nic_intake.models import MailMessage, messaging
from nic_intake.priority import api as priority_api
from nic_intake.priority.sweep import cluster_stage_sweep
from nic_intake.public import api as public_api
from nic_intake.public import models as public_models  # noqa: F401  (call_documents table)
from nic_intake.results import api as results_api
from nic_intake.settings import IntakeSettings
from nic_intake.status import api as status_api
from nic_intake.status.consumers import SUBSCRIPTIONS
from nic_intake.submission import api as submission_api
from nic_intake.withdrawal import api as withdrawal_api
from nic_shared.app import ServiceSpec, create_service_app
from nic_shared.events import eligibility, scoring
from nic_shared.mail import mail_worker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    app = create_service_app(
        ServiceSpec(
            settings=settings,
            title="NIC intake",
            description="Calls, applications, submission before a hard deadline, receipts.",
            tables=messaging,
            routers=[
                calls_api.router,
                extension.router,
                listing.router,  # before /v1/applications/{id}
                applications_api.router,
                attachments_api.router,
                signed_attachments.router,
                letters_api.router,  # before /versions/{version}
                submission_api.router,
                withdrawal_api.router,
                status_api.router,
                priority_api.router,
                decisions_api.router,
                results_api.router,
                messages_api.router,
                consortium_api.router,
                public_api.router,
            ],
            consumes=[eligibility.TOPIC, scoring.TOPIC],
            subscriptions=SUBSCRIPTIONS,
            resources=[
                mail_worker(MailMessage),
                lapse_worker(settings.lapse_poll_interval_s, settings.decision_acceptance_days),
                cluster_stage_sweep(settings.cluster_sweep_poll_interval_s),
            ],
            openapi_tags=[
                {"name": "calls", "description": "Calls for proposals."},
                {"name": "applications", "description": "Drafts, lists and withdrawal."},
                {"name": "attachments", "description": "Streamed uploads and downloads."},
                {"name": "submission", "description": "Submission, receipts and versions."},
                {"name": "status", "description": "Where an application stands."},
                {"name": "cluster priority", "description": "Innovasjonsrammen stage 5."},
                {"name": "decisions", "description": "Decisions, letters, acceptance."},
                {"name": "results", "description": "Published results (public)."},
                {"name": "information requests", "description": "Officers ask, applicants answer."},
                {"name": "consortium", "description": "Partners invited, joined, confirmed."},
                {"name": "public calls", "description": "Call pages and documents (public)."},
            ],
        )
    )
    app.state.storage = LocalStorage(Path(settings.data_dir) / "attachments")
    app.state.scanner = scanner_for(
        settings.clamd_address, settings.clamd_timeout_s, settings.clamd_connect_wait_s
    )
    return app
