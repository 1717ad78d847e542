"""No Docker engine runs here, so check that docker-compose.yml matches what the code reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from nic_eligibility.settings import EligibilitySettings
from nic_intake.settings import IntakeSettings
from nic_operations.settings import OperationsSettings
from nic_registry.settings import RegistrySettings
from nic_scoring.settings import ScoringSettings
from nic_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
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
def test_compose_environment_is_what_the_service_reads(name, monkeypatch, tmp_path):
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
    # The compose secret: a file with the password, read by the service, not in the URL.
    secret = environment[f"{prefix}DATABASE_PASSWORD_FILE"]
    assert secret == "/run/secrets/postgres_password"
    assert "postgres_password" in service["secrets"]
    # Every compose secret the service reads as a file: the service must be given it.
    for key, value in list(environment.items()):
        if key.endswith("_FILE") and value.startswith("/run/secrets/"):
            name_of_secret = value.removeprefix("/run/secrets/")
            assert name_of_secret in service["secrets"], f"{key}: {name_of_secret} not mounted"
            assert name_of_secret in COMPOSE["secrets"]
            secret_file = tmp_path / name_of_secret
            secret_file.write_text("s3cret/with:odd@chars\n")
            environment[key] = str(secret_file)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    settings = settings_class()
    assert settings.environment == "production"
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.database_url.endswith(f"/{name}")
    assert make_url(settings.database_url).password == "s3cret/with:odd@chars"
    assert settings.cors_origins == []
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.kafka_idempotence is True
    assert "ports" not in service, "clients reach the services through the proxy only"
    assert f"{settings.port}:{settings.port}" in COMPOSE["services"]["proxy"]["ports"]
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


def _dockerfile_env() -> dict[str, str]:
    """The ENV lines of the image (KEY=VALUE form, continuation lines joined)."""
    text = DOCKERFILE.replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for word in line[4:].split():
                key, _, value = word.partition("=")
                env[key] = value
    return env


def test_the_image_prepares_the_folders_the_services_write_for_its_user():
    env = _dockerfile_env()
    run = DOCKERFILE.replace("\\\n", " ")
    user = re.search(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert user is not None
    uid = user.group(1).split(":")[0]
    assert uid not in {"root", "0"}
    assert f"--uid {uid}" in run, "USER names the user the image creates"
    written = {
        "intake": env["NIC_INTAKE_DATA_DIR"],
        "scoring": env["NIC_SCORING_MAIL_FOLDER"],
    }
    mkdir = re.search(r"mkdir -p ([^&]+)", run)
    assert mkdir is not None
    prepared = mkdir.group(1).split()
    chown = re.search(r"chown -R \S+ (\S+)", run)
    assert chown is not None
    for folder in written.values():
        assert folder.startswith("/"), "an absolute path, not relative to the working directory"
        assert any(folder == p or folder.startswith(p + "/") for p in prepared), folder
        assert folder.startswith(chown.group(1))
    # The defaults are relative (.data/...), which the image would resolve to /app/.data.
    assert not IntakeSettings.model_fields["data_dir"].default.startswith("/")


def test_compose_gives_every_writing_service_a_volume_where_it_writes():
    env = _dockerfile_env()
    declared = COMPOSE["volumes"]
    for name, key in (("intake", "NIC_INTAKE_DATA_DIR"), ("scoring", "NIC_SCORING_MAIL_FOLDER")):
        service = COMPOSE["services"][name]
        folder = service["environment"][key]
        assert folder == env[key], "compose and the image agree"
        mounts = [m.split(":") for m in service["volumes"]]
        assert any(
            source in declared and (folder == target or folder.startswith(target + "/"))
            for source, target, *_ in mounts
        ), f"{name} writes {folder} outside a volume"


@pytest.mark.parametrize("name", SETTINGS)
def test_compose_bounds_every_service_and_sets_its_cors_origins(name):
    service = COMPOSE["services"][name]
    limits = service["deploy"]["resources"]["limits"]
    assert float(limits["cpus"]) > 0
    assert re.fullmatch(r"\d+[MG]", limits["memory"])
    assert f"NIC_{name.upper()}_CORS_ORIGINS" in service["environment"]


def test_the_proxy_stands_in_front_of_every_service_with_the_shipped_config():
    proxy = COMPOSE["services"]["proxy"]
    image, _, tag = proxy["image"].partition(":")
    assert image == "nginx"
    assert re.fullmatch(r"\d+\.\d+\.\d+(-alpine)?", tag), "a pinned release"
    mounts = [m.split(":") for m in proxy["volumes"]]
    assert ["./deploy/nginx", "/etc/nginx/nic", "ro"] in mounts
    command = proxy["entrypoint"]
    assert command[command.index("-c") + 1] == "/etc/nginx/nic/nginx.conf"
    conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    published = []
    for name, settings_class in SETTINGS.items():
        port = settings_class.model_fields["port"].default
        assert proxy["depends_on"][name] == {"condition": "service_healthy"}
        assert f"server {name}:{port};" in conf, "the upstream is the compose service's name"
        assert f"listen {port};" in conf
        published.append(f"{port}:{port}")
    assert sorted(proxy["ports"]) == published
    # Unprivileged and read-only: nginx writes only its pid and temporary files under /tmp.
    assert proxy["user"].split(":")[0] not in {"0", "root"}
    assert proxy["read_only"] is True
    assert "/tmp" in proxy["tmpfs"]
    assert "pid /tmp/" in conf
    limits = proxy["deploy"]["resources"]["limits"]
    assert float(limits["cpus"]) > 0
    assert re.fullmatch(r"\d+[MG]", limits["memory"])
    assert "8080/healthz" in " ".join(proxy["healthcheck"]["test"])
    assert "listen 8080;" in conf


def test_no_password_in_a_url_and_postgres_reads_it_from_the_secret():
    for name, service in COMPOSE["services"].items():
        for key, value in (service.get("environment") or {}).items():
            assert "POSTGRES_PASSWORD}" not in str(value), f"{name} {key}"
            for url in re.findall(r"\w[\w+.-]*://\S+", str(value)):
                assert "@" not in url or make_url(url).password is None, f"{name} {key}"
    postgres = COMPOSE["services"]["postgres"]
    assert "POSTGRES_PASSWORD" not in postgres["environment"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "postgres_password" in postgres["secrets"]
    assert COMPOSE["secrets"]["postgres_password"] == {"environment": "POSTGRES_PASSWORD"}
