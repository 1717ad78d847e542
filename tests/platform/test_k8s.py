"""The Kubernetes manifests (deploy/k8s) against the real Kubernetes JSON schemas and the code.

No cluster runs here. The base is plain YAML (its kustomization only lists files), so every
file is validated as it is; the production overlay is rendered with `kubectl kustomize`
(kustomize built into kubectl) where kubectl is on the PATH, with throwaway secrets, and
validated too. The validator is `kubernetes-validate` from PyPI (requirements-dev.txt),
which ships the schemas of each Kubernetes release, in its strict form: unknown fields fail.
"""

from __future__ import annotations

import copy
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
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
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
OVERLAY = K8S / "overlays" / "production"
NGINX = ROOT / "deploy" / "nginx"
KUBERNETES_VERSION = "1.30.0"  # the oldest release the manifests promise to run on
SETTINGS: dict[str, type[ServiceSettings]] = {
    "intake": IntakeSettings,
    "eligibility": EligibilitySettings,
    "scoring": ScoringSettings,
    "registry": RegistrySettings,
    "operations": OperationsSettings,
}
Resource = dict[str, Any]


def _load(path: Path) -> list[Resource]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _base() -> list[Resource]:
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"] for doc in _load(BASE / name)]


def _secret_keys_in_example() -> dict[str, str]:
    lines = (OVERLAY / "secrets.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def _errors(resource: Resource) -> list[str]:
    """What the validator says of one resource: [] when it is valid."""
    where = f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
    try:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return [f"{where}: {path}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{where}: {error.message}"]
    return []


def _one(resources: list[Resource], kind: str, name: str) -> Resource:
    found = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} named {name}, found {len(found)}"
    return found[0]


def _config(resources: list[Resource]) -> dict[str, str]:
    maps = [
        r for r in resources if r["kind"] == "ConfigMap" and r["metadata"]["name"] == "nic-config"
    ]
    assert len(maps) == 1
    data: dict[str, str] = maps[0]["data"]
    return data


def _pod_specs(resources: list[Resource]) -> list[tuple[str, Resource]]:
    return [
        (f"{r['kind']}/{r['metadata']['name']}", r["spec"]["template"]["spec"])
        for r in resources
        if r["kind"] in {"Deployment", "Job"}
    ]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Resource], list[str]]:
    """The production overlay rendered by kustomize, and the secret values it was given."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl (with kustomize built in) is not on the PATH")
    tree = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, tree)
    shutil.copytree(NGINX, tree.parent / "nginx")  # the overlay's ../../../nginx
    values = {key: secrets.token_urlsafe(40) for key in _secret_keys_in_example()}
    (tree / "overlays" / "production" / "secrets.env").write_text(
        "".join(f"{key}={value}\n" for key, value in values.items())
    )
    result = subprocess.run(
        [kubectl, "kustomize", str(tree / "overlays" / "production")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc], list(values.values())


def test_the_base_is_plain_files_and_lists_every_one():
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    assert set(kustomization) <= {"apiVersion", "kind", "resources"}, "no transformers in base"
    files = {path.name for path in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


@pytest.mark.parametrize("resource", _base(), ids=lambda r: f"{r['kind']}/{r['metadata']['name']}")
def test_every_base_manifest_is_valid_kubernetes(resource):
    assert _errors(resource) == []


def test_the_rendered_production_overlay_is_valid_kubernetes(rendered):
    resources, _ = rendered
    assert [e for r in resources for e in _errors(r)] == []
    kinds = {r["kind"] for r in resources}
    assert {"Namespace", "Secret", "ConfigMap", "PersistentVolumeClaim"} <= kinds
    for resource in resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "nic"
    images = {
        c["image"]
        for where, spec in _pod_specs(resources)
        for c in spec["containers"]
        if where != "Deployment/proxy"
    }
    assert images == {"registry.example.no/nic/nic-platform:1.0.0"}


def test_the_validator_reports_a_wrong_field_type_an_unknown_field_and_a_missing_one():
    deployment = _one(_base(), "Deployment", "intake")
    assert _errors(deployment) == []
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "8001"
    assert any("containerPort" in e for e in _errors(wrong_type))
    unknown = copy.deepcopy(deployment)
    unknown["spec"]["replica"] = 2
    assert any("replica" in e for e in _errors(unknown))
    missing = copy.deepcopy(deployment)
    del missing["spec"]["selector"]
    assert any("selector" in e for e in _errors(missing))
    hpa = copy.deepcopy(_one(_base(), "HorizontalPodAutoscaler", "intake"))
    hpa["spec"]["minReplicas"] = "two"
    assert _errors(hpa) != []


def _check_services(resources: list[Resource]) -> None:
    config = _config(resources)
    for name, settings_class in SETTINGS.items():
        port = settings_class.model_fields["port"].default
        deployment = _one(resources, "Deployment", name)
        pod = deployment["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["command"] == ["python", "-m", f"nic_{name}", "serve"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = container[probe]["httpGet"]
            assert get["path"] == path, f"{name} {probe}"
            assert ports.get(get["port"], get["port"]) == port, f"{name} {probe} port"
        assert config[f"NIC_{name.upper()}_PORT"] == str(port)
        labels = pod["metadata"]["labels"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items()
        assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"

        service = _one(resources, "Service", name)
        assert service["spec"]["selector"].items() <= labels.items()
        assert [p["port"] for p in service["spec"]["ports"]] == [port]

        hpa = _one(resources, "HorizontalPodAutoscaler", name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        metrics = [m["resource"]["name"] for m in hpa["spec"]["metrics"] if m["type"] == "Resource"]
        assert metrics == ["cpu"]

        job = _one(resources, "Job", f"{name}-migrate")
        (migrate,) = job["spec"]["template"]["spec"]["containers"]
        assert migrate["command"] == ["python", "-m", f"nic_{name}", "migrate"]
        assert migrate["image"] == container["image"]
        assert job["spec"]["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}

    for where, spec in _pod_specs(resources):
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        for container in spec["containers"]:
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, where
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, where


def test_every_service_has_probes_bounds_an_autoscaler_and_a_migration_job():
    _check_services(_base())


def test_the_rendered_overlay_keeps_them(rendered):
    _check_services(rendered[0])


def test_intake_writes_its_attachments_to_a_claimed_volume_owned_by_the_pod():
    resources = _base()
    data_dir = _config(resources)["NIC_INTAKE_DATA_DIR"]
    spec = _one(resources, "Deployment", "intake")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    (mount,) = [m for m in spec["containers"][0]["volumeMounts"] if m["mountPath"] == data_dir]
    claim = volumes[mount["name"]]["persistentVolumeClaim"]["claimName"]
    pvc = _one(resources, "PersistentVolumeClaim", claim)
    assert "ReadWriteMany" in pvc["spec"]["accessModes"], "every intake replica mounts it"
    assert not mount.get("readOnly", False)
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsUser"]


def test_the_config_map_holds_only_settings_the_services_read():
    config = _config(_base())
    unknown = []
    for key in config:
        service = next((s for s in SETTINGS if key.startswith(f"NIC_{s.upper()}_")), None)
        field = key[len(f"NIC_{(service or '').upper()}_") :].lower()
        if service is None or field not in SETTINGS[service].model_fields:
            unknown.append(key)
    assert unknown == []
    for name in SETTINGS:
        assert config[f"NIC_{name.upper()}_ENVIRONMENT"] == "production"
        assert f"NIC_{name.upper()}_CORS_ORIGINS" in config
    assert config["NIC_ELIGIBILITY_REGISTRY_URL"] == "http://registry:8004"


def _environment(resources: list[Resource], name: str, values: dict[str, str]) -> dict[str, str]:
    """The environment a service's pod gets, secrets filled from `values`."""
    spec = _one(resources, "Deployment", name)["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    environment = dict(_config(resources))
    for entry in container["env"]:
        ref = entry["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "nic-secrets"
        environment[entry["name"]] = values[ref["key"]]
    return environment


@pytest.mark.parametrize("name", SETTINGS)
def test_each_service_starts_in_production_from_the_config_map_and_the_secret(
    name, monkeypatch, tmp_path
):
    resources = _base()
    values = {key: secrets.token_urlsafe(40) for key in _secret_keys_in_example()}
    environment = _environment(resources, name, values)
    prefix = f"NIC_{name.upper()}_"
    # The password file is where the pod mounts the secret's key for this service.
    spec = _one(resources, "Deployment", name)["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    files = {
        f"{mount['mountPath']}/{item['path']}": item["key"]
        for mount in spec["containers"][0]["volumeMounts"]
        if "secret" in volumes[mount["name"]]
        for item in volumes[mount["name"]]["secret"]["items"]
    }
    password_key = files[environment[f"{prefix}DATABASE_PASSWORD_FILE"]]
    assert password_key == f"{name}-database-password"
    # Every *_FILE setting names a file the pod mounts from the secret: filled from `values`.
    for key in [k for k in environment if k.startswith(prefix) and k.endswith("_FILE")]:
        assert environment[key] in files, f"{key}: {environment[key]} is not mounted"
        secret_file = tmp_path / files[environment[key]]
        secret_file.write_text(values[files[environment[key]]])
        environment[key] = str(secret_file)
    environment.pop(f"{prefix}DATA_DIR", None)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    settings = SETTINGS[name]()
    assert settings.environment == "production"
    assert settings.port == SETTINGS[name].model_fields["port"].default
    url = make_url(settings.database_url)
    assert url.password == values[password_key]
    assert url.database == name


def _assert_urls_carry_no_password(config: dict[str, str]) -> None:
    for key, value in config.items():
        if key.endswith("_DATABASE_URL"):
            assert make_url(value).password is None, key
        elif "://" in value:
            assert "@" not in value, key


def test_the_config_map_urls_carry_no_password():
    _assert_urls_carry_no_password(_config(_base()))


def test_no_secret_value_outside_the_secret(rendered):
    resources, values = rendered
    _assert_urls_carry_no_password(_config(resources))
    for resource in resources:
        if resource["kind"] == "Secret":
            continue
        text = yaml.safe_dump(resource)
        leaked = [value for value in values if value in text]
        assert leaked == [], f"{resource['kind']}/{resource['metadata']['name']} holds a secret"


def test_every_secret_the_pods_use_is_in_the_example_and_the_generated_secret(rendered):
    example = set(_secret_keys_in_example())
    referenced = set()
    for _, spec in _pod_specs(_base()):
        for container in spec["containers"]:
            env = container.get("env", [])
            referenced |= {e["valueFrom"]["secretKeyRef"]["key"] for e in env}
        for volume in spec["volumes"]:
            if "secret" in volume:
                referenced |= {item["key"] for item in volume["secret"]["items"]}
    assert referenced == example
    (secret,) = [r for r in rendered[0] if r["kind"] == "Secret"]
    assert set(secret["data"]) == example
    assert "secrets.env" in (OVERLAY / ".gitignore").read_text().split()


def _check_proxy(resources: list[Resource]) -> Resource:
    """The proxy's Deployment, Service, autoscaler and budget; returns its pod spec."""
    deployment = _one(resources, "Deployment", "proxy")
    pod = deployment["spec"]["template"]
    spec = pod["spec"]
    (container,) = spec["containers"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert container["image"] == compose["services"]["proxy"]["image"], "one nginx release"
    assert container["command"] == compose["services"]["proxy"]["entrypoint"]
    conf = (NGINX / "nginx.conf").read_text()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz", probe
        assert f"listen {ports[get['port']]};" in conf, "the proxy's own health server"
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) >= {"cpu", "memory"}
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert "replicas" not in deployment["spec"]
    # All nginx writes is under /tmp (pid file, temporary files): an emptyDir.
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    assert "emptyDir" in mounts["/tmp"]
    assert "pid /tmp/" in conf
    config_dir = str(Path(container["command"][container["command"].index("-c") + 1]).parent)
    assert "configMap" in mounts[config_dir]

    service = _one(resources, "Service", "proxy")
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["externalTrafficPolicy"] == "Local", "the limit counts client addresses"
    published = {p["port"]: p["targetPort"] for p in service["spec"]["ports"]}
    for name, settings_class in SETTINGS.items():
        port = settings_class.model_fields["port"].default
        assert ports[published[port]] == port, name
        assert f"listen {port};" in conf
        assert f"server {name}:{port};" in conf, "the upstream is the service's Service"
    assert len(published) == len(SETTINGS)
    hpa = _one(resources, "HorizontalPodAutoscaler", "proxy")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "proxy"
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    _one(resources, "PodDisruptionBudget", "proxy")
    return spec


def test_the_proxy_runs_unprivileged_with_probes_bounds_and_the_services_ports():
    spec = _check_proxy(_base())
    (config,) = [v for v in spec["volumes"] if "configMap" in v]
    assert config["configMap"]["name"] == "nic-proxy"


def test_the_rendered_proxy_mounts_the_config_generated_from_deploy_nginx(rendered):
    resources, _ = rendered
    spec = _check_proxy(resources)
    (config,) = [v for v in spec["volumes"] if "configMap" in v]
    name = config["configMap"]["name"]
    assert name.startswith("nic-proxy-"), "hash-suffixed: a changed file rolls the pods"
    generated = _one(resources, "ConfigMap", name)
    generator = yaml.safe_load((NGINX / "kustomization.yaml").read_text())
    (files,) = [g["files"] for g in generator["configMapGenerator"]]
    assert generated["data"] == {f: (NGINX / f).read_text() for f in files}
    included = re.findall(r"^\s*include (\S+);", (NGINX / "nginx.conf").read_text(), re.M)
    assert set(included) <= set(files), "every included file is in the ConfigMap"
    overlay = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    assert "../../../nginx" in overlay["resources"]
