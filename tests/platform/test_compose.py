"""No Docker engine runs here, so check that docker-compose.yml matches what the code reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from nic_eligibility.settings import EligibilitySettings
from nic_intake.settings import IntakeSettings
from nic_operations.settings import OperationsSettings
from nic_registry.settings import RegistrySettings
from nic_scoring.settings import ScoringSettings
from nic_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS: dict[str, type[ServiceSettings]] = {
    "intake": IntakeSettings,
    "eligibility": EligibilitySettings,
    "scoring": ScoringSettings,
    "registry": RegistrySettings,
    "operations": OperationsSettings,
}


def _resolve(value: str) -> str:
    """Fill ${VAR:?msg} and ${VAR:-default} the way compose would, with test values."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    return re.sub(r"\$\{(\w+)(:\?[^}]*)?\}", lambda m: "x" * 40, value)


@pytest.mark.parametrize("name", SETTINGS)
def test_compose_environment_is_what_the_service_reads(name, monkeypatch):
    service = COMPOSE["services"][name]
    settings_class = SETTINGS[name]
    prefix = f"NIC_{name.upper()}_"
    environment = {k: _resolve(str(v)) for k, v in service["environment"].items()}
    unknown = [
        k
        for k in environment
        if not k.startswith(prefix) or k[len(prefix) :].lower() not in settings_class.model_fields
    ]
    assert unknown == [], f"{name} sets variables its settings do not read: {unknown}"
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    settings = settings_class()
    assert settings.environment == "production"
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.database_url.endswith(f"/{name}")
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.kafka_idempotence is True
    assert service["ports"] == [f"{settings.port}:{settings.port}"]
    assert settings.port == settings_class.model_fields["port"].default
    assert f"{settings.port}/readyz" in " ".join(service["healthcheck"]["test"])


def test_compose_runs_kafka_in_kraft_mode_and_postgres_with_a_database_per_service():
    kafka = COMPOSE["services"]["kafka"]["environment"]
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for name in SETTINGS:
        assert f"CREATE DATABASE {name};" in init
    topics = " ".join(COMPOSE["services"]["kafka-init"]["command"])
    for topic in ("nic.intake", "nic.eligibility", "nic.scoring", "nic.registry"):
        assert topic in topics


def test_prometheus_scrapes_every_service_and_grafana_gets_the_dashboard():
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    targets = {
        target
        for job in prometheus["scrape_configs"]
        for group in job.get("static_configs", [])
        for target in group["targets"]
    }
    for name, settings_class in SETTINGS.items():
        port = settings_class.model_fields["port"].default
        assert f"{name}:{port}" in targets
    mounts = " ".join(COMPOSE["services"]["prometheus"]["volumes"])
    assert "deploy/prometheus.yml" in mounts
    grafana = " ".join(COMPOSE["services"]["grafana"]["volumes"])
    assert "deploy/grafana/nic.json" in grafana
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "nic.json").read_text())
    exprs = " ".join(
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    )
    for metric in (
        "nic_http_requests_total",
        "nic_events_published_total",
        "nic_events_consumed_total",
        "nic_consumer_lag",
        "nic_outbox_backlog",
        "nic_dead_letters_total",
    ):
        assert metric in exprs
