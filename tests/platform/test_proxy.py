"""The proxy in front of the services (deploy/nginx) with real nginx and a real service.

The shipped configuration is rendered for loopback: its listen ports and upstream addresses
are swapped for free local ones, its /tmp paths for a temporary folder, and two values are
made small enough to test (a 2 s header timeout, 2 connections per client). Every swap must
hit as often as this file expects, so the file and this test cannot drift apart. nginx then
runs as an ordinary process (as `nobody` when the suite runs as root, as in Kubernetes where
it runs as uid 101) in front of registry in its own process; the other four upstreams point
at a port nothing listens on. deploy/ensure-nginx.sh installs Debian's `nginx`; CI runs it.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from nic_intake.attachments.api import router as attachments_router
from nic_intake.messages.api import router as messages_router
from nic_intake.public.api import router as public_router
from nic_intake.settings import IntakeSettings
from nic_operations.api import router as operations_router
from nic_operations.settings import OperationsSettings
from nic_registry.memberships.api import router as members_router
from nic_registry.settings import RegistrySettings
from nic_shared.problems import MEDIA_TYPE, TITLES, TYPE_PREFIX
from nic_shared.settings import ServiceSettings
from tests.support.ports import free_port, wait_for_port
from tests.support.processes import service_environ
from tests.support.services import service_settings

ROOT = Path(__file__).resolve().parents[2]
CONF_DIR = ROOT / "deploy" / "nginx"
CONF = (CONF_DIR / "nginx.conf").read_text()
NGINX = os.environ.get("NIC_TEST_NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
SERVICE_PORTS = {
    "intake": 8001,
    "eligibility": 8002,
    "scoring": 8003,
    "registry": 8004,
    "operations": 8005,
}
HEALTH_PORT = 8080
HEADER_TIMEOUT_S = 2
CONNECTIONS_PER_CLIENT = 2


Replace = str | Callable[[re.Match[str]], str]


def render(folder: Path, listen: dict[int, int], upstreams: dict[str, int]) -> Path:
    """The shipped configuration for loopback, in `folder` with its included files."""
    for included in CONF_DIR.glob("*.conf"):
        shutil.copy(included, folder / included.name)
    swaps: list[tuple[str, Replace, int]] = [
        (r"listen (\d+);", lambda m: f"listen 127.0.0.1:{listen[int(m[1])]};", len(listen)),
        (r"server (\w+):\d+;", lambda m: f"server 127.0.0.1:{upstreams[m[1]]};", len(upstreams)),
        (r" /tmp/", f" {folder}/", 6),  # the pid file and five temp folders
        (r"client_header_timeout \w+;", f"client_header_timeout {HEADER_TIMEOUT_S}s;", 1),
        (r"limit_conn per_client \d+;", f"limit_conn per_client {CONNECTIONS_PER_CLIENT};", 1),
    ]
    text = CONF
    for pattern, replace, hits in swaps:
        text, count = re.subn(pattern, replace, text)
        assert count == hits, f"{pattern!r} matched {count} times in nginx.conf, expected {hits}"
    conf = folder / "nginx.conf"
    conf.write_text(text)
    return conf


@dataclass
class Proxy:
    port: dict[str, int]
    """The proxy's port for each service (and "health")."""
    registry_url: str
    """registry itself, not through the proxy."""
    nginx_pid: int

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port[name]}"


def _as_nobody_when_root(folder: Path) -> tuple[int | None, int | None]:
    """The user and group to run nginx as, `folder` handed to them: nobody, when we are root."""
    if os.geteuid() != 0:
        return None, None
    nobody = pwd.getpwnam("nobody")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    return nobody.pw_uid, nobody.pw_gid


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def proxy() -> Iterator[Proxy]:
    if not Path(NGINX).is_file():
        pytest.skip(f"nginx is not installed ({NGINX}): run deploy/ensure-nginx.sh")
    folder = Path(tempfile.mkdtemp(prefix="nic-proxy-"))  # not under pytest's 0700 folder
    processes: list[subprocess.Popen[bytes]] = []
    service_log = open(folder / "registry.log", "wb")  # noqa: SIM115
    try:
        registry_port = free_port()
        database = f"sqlite+aiosqlite:///{folder / 'registry.db'}"
        settings = service_settings(f"127.0.0.1:{free_port()}", database, "t.") | {
            "port": registry_port,
            "log_level": "WARNING",
        }
        env = service_environ("registry", settings)
        command = [sys.executable, "-m", "nic_registry"]
        subprocess.run([*command, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
        processes.append(
            subprocess.Popen(
                [*command, "serve"], env=env, cwd=ROOT, stdout=service_log, stderr=service_log
            )
        )
        wait_for_port(registry_port, 30)

        nobody_listens = free_port()
        upstreams = dict.fromkeys(SERVICE_PORTS, nobody_listens) | {"registry": registry_port}
        listen = {port: free_port() for port in [*SERVICE_PORTS.values(), HEALTH_PORT]}
        conf = render(folder, listen, upstreams)
        log = folder / "nginx.log"
        log.touch()
        user, group = _as_nobody_when_root(folder)
        with open(log, "ab") as out:  # owned by nginx's user, which reopens it as /dev/stdout
            nginx = subprocess.Popen(
                [NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
                stdout=out,
                stderr=out,
                user=user,
                group=group,
            )
        processes.append(nginx)
        try:
            wait_for_port(listen[HEALTH_PORT], 10)
        except TimeoutError:
            pytest.fail(f"nginx did not start: {log.read_text()[-3000:]}")
        ports = {name: listen[port] for name, port in SERVICE_PORTS.items()}
        registry_url = f"http://127.0.0.1:{registry_port}"
        yield Proxy(ports | {"health": listen[HEALTH_PORT]}, registry_url, nginx.pid)
    finally:
        for process in reversed(processes):
            _stop(process)
        service_log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _assert_proxy_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    """A problem the proxy wrote itself, in the services' shape and with their headers."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, object] = response.json()
    assert body["type"] == f"{TYPE_PREFIX}{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert response.headers["server"] == "nginx", "no version in the banner"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "traceparent" not in response.headers, "the service never saw this request"
    return body


def _requests_seen_by_registry(proxy: Proxy) -> float:
    text = httpx.get(f"{proxy.registry_url}/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("nic_http_requests_total{") and 'route="/metrics"' not in line
    )


def test_a_request_passes_through_with_the_services_answer(proxy: Proxy) -> None:
    direct = httpx.get(f"{proxy.registry_url}/healthz")
    through = httpx.get(f"{proxy.url('registry')}/healthz", headers={"X-Request-ID": "abc"})
    assert through.status_code == direct.status_code == 200
    assert through.json() == direct.json()
    assert through.headers["server"] == "nginx"
    assert re.fullmatch(r"[0-9a-f]{32}", through.headers["x-request-id"]), "the service's id"
    assert through.headers["traceparent"].startswith(f"00-{through.headers['x-request-id']}-")
    # The service's own problems go through untouched (the proxy intercepts none).
    refused = httpx.get(f"{proxy.url('registry')}/v1/organisations")
    assert refused.status_code == 401
    assert refused.json()["type"] == f"{TYPE_PREFIX}unauthorized"
    assert "traceparent" in refused.headers


def test_a_client_sending_its_headers_slowly_is_cut_off(proxy: Proxy) -> None:
    """One byte every 0.2 s, far faster than the timeout per byte: the timeout is for the
    whole head, so the connection is closed about HEADER_TIMEOUT_S after it opened."""
    started = time.monotonic()
    closed_after: float | None = None
    with socket.create_connection(("127.0.0.1", proxy.port["registry"]), timeout=5) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: proxy\r\nX-Slow: ")
        while time.monotonic() - started < HEADER_TIMEOUT_S + 13:
            try:
                slow.sendall(b"a")
                slow.settimeout(0.2)
                answer = slow.recv(1024)
            except TimeoutError:
                continue
            except (ConnectionResetError, BrokenPipeError):
                answer = b""
            assert answer == b"", f"an answer to an unfinished head: {answer!r}"
            closed_after = time.monotonic() - started
            break
    assert closed_after is not None, "the slow client was never cut off"
    assert closed_after >= HEADER_TIMEOUT_S / 2, "cut off by the header timeout, not at once"
    # Meanwhile and afterwards, an ordinary client is served.
    assert httpx.get(f"{proxy.url('registry')}/healthz").status_code == 200


def _held_requests(port: int, count: int) -> list[socket.socket]:
    """Requests whose head has arrived and whose body never finishes: nginx counts them."""
    held = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(
            b"POST /v1/organisations HTTP/1.1\r\nHost: proxy\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        held.append(connection)
    return held


def test_more_connections_from_one_client_than_the_limit_get_429(proxy: Proxy) -> None:
    held = _held_requests(proxy.port["registry"], CONNECTIONS_PER_CLIENT)
    try:
        deadline = time.monotonic() + 10
        while True:  # until nginx has read both heads
            response = httpx.get(
                f"{proxy.url('registry')}/healthz", headers={"Accept-Language": "nb"}
            )
            if response.status_code != 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        body = _assert_proxy_problem(response, 429, "too-many-requests")
        assert body["title"] == "For mange forespørsler"
        assert response.headers["retry-after"] == "1"
        # Another service's port: the limit is per client address, over all of them.
        other = httpx.get(f"{proxy.url('eligibility')}/healthz")
        _assert_proxy_problem(other, 429, "too-many-requests")
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + 10
    while (answer := httpx.get(f"{proxy.url('registry')}/healthz")).status_code == 429:
        assert time.monotonic() < deadline, "the held connections were never released"
        time.sleep(0.05)
    assert answer.status_code == 200


def test_a_body_over_the_limit_is_413_before_it_reaches_the_service(proxy: Proxy) -> None:
    limit = ServiceSettings.model_fields["max_json_body_bytes"].default
    seen = _requests_seen_by_registry(proxy)
    url = f"{proxy.url('registry')}/v1/organisations"
    body = b'{"name": "' + b"x" * limit + b'"}'
    declared = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
    problem = _assert_proxy_problem(declared, 413, "payload-too-large")
    assert problem["title"] == TITLES["payload-too-large"][1]
    assert problem["instance"] == "/v1/organisations"
    assert problem["errors"] == [{"pointer": "#", "rule": "max-body-size"}]
    chunked = httpx.post(
        url,
        content=iter([body[:65536], body[65536:]]),  # no Content-Length: counted as it comes
        headers={"Content-Type": "application/json", "Accept-Language": "nb"},
    )
    problem = _assert_proxy_problem(chunked, 413, "payload-too-large")
    assert problem["title"] == TITLES["payload-too-large"][0]
    assert _requests_seen_by_registry(proxy) == seen, "registry saw none of them"
    # The member import takes a CSV larger than a JSON body: it reaches registry (401 there).
    csv = b"org_number\n" + b"974760673\n" * (2 * limit // 10)
    cluster = uuid.uuid4()
    imported = httpx.post(
        f"{proxy.url('registry')}/v1/clusters/{cluster}/members/import",
        content=csv,
        headers={"Content-Type": "text/csv"},
    )
    assert imported.status_code == 401, imported.text
    assert imported.json()["type"] == f"{TYPE_PREFIX}unauthorized"


def test_an_unreachable_service_and_overlong_heads_are_problems_too(proxy: Proxy) -> None:
    response = httpx.get(f"{proxy.url('eligibility')}/healthz")
    body = _assert_proxy_problem(response, 502, "bad-gateway")
    assert body["title"] == "Bad gateway"
    assert response.headers["retry-after"] == "5"
    registry = proxy.url("registry")
    _assert_proxy_problem(httpx.get(f"{registry}/{'a' * 20_000}"), 414, "uri-too-long")
    long_header = httpx.get(f"{registry}/healthz", headers={"X-Long": "a" * 20_000})
    assert "instance" in _assert_proxy_problem(long_header, 400, "bad-request")


def test_the_proxy_runs_unprivileged(proxy: Proxy) -> None:
    """As in Kubernetes (uid 101, read-only root file system): all it writes is under /tmp."""
    status = Path(f"/proc/{proxy.nginx_pid}/status")
    if not status.exists():
        pytest.skip("no /proc to read the process's user from")
    uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
    assert "0" not in uids.split()[1:], uids


def test_metrics_stay_inside_and_the_proxy_has_its_own_liveness(proxy: Proxy) -> None:
    body = _assert_proxy_problem(httpx.get(f"{proxy.url('registry')}/metrics"), 404, "not-found")
    assert body["title"] == TITLES["not-found"][1]
    health = httpx.get(f"{proxy.url('health')}/healthz")
    assert (health.status_code, health.text) == (200, "ok\n")


def _location(pattern: str) -> str:
    """The body of the location block whose matcher is `pattern`."""
    match = re.search(rf"location {re.escape(pattern)} \{{([^}}]*)\}}", CONF)
    assert match is not None, f"no location {pattern}"
    return match.group(1)


def _route(router: object, path: str, method: str) -> None:
    routes = getattr(router, "routes", [])
    assert any(r.path == path and method in r.methods for r in routes), f"{method} {path}"


def _directive(block: str, name: str) -> str:
    match = re.search(rf"^\s*{name} ([^;]+);", block, re.MULTILINE)
    assert match is not None, name
    return match.group(1)


def _mebibytes(value: str) -> int:
    assert value.endswith("m"), value
    return int(value[:-1]) * 1024 * 1024


def test_the_proxys_limits_match_the_services_settings_and_routes() -> None:
    json_limit = _mebibytes(_directive(CONF, "client_max_body_size"))
    assert json_limit == ServiceSettings.model_fields["max_json_body_bytes"].default
    attachments = (
        "~ ^/v1/(applications/[^/]+(/info-requests/[^/]+)?/attachments|calls/[^/]+/documents)$"
    )
    _route(attachments_router, "/v1/applications/{application_id}/attachments", "POST")
    _route(
        messages_router,
        "/v1/applications/{application_id}/info-requests/{request_id}/attachments",
        "POST",
    )
    _route(public_router, "/v1/calls/{call_id}/documents", "POST")
    for path in (
        f"/v1/applications/{uuid.uuid4()}/attachments",
        f"/v1/applications/{uuid.uuid4()}/info-requests/{uuid.uuid4()}/attachments",
        f"/v1/calls/{uuid.uuid4()}/documents",
    ):
        assert re.fullmatch(attachments[2:].strip("^$"), path), path
    size = _mebibytes(_directive(_location(attachments), "client_max_body_size"))
    assert size == IntakeSettings.model_fields["attachment_max_bytes"].default
    imports = "~ ^/v1/clusters/[^/]+/members/import$"
    _route(members_router, "/v1/clusters/{cluster_id}/members/import", "POST")
    size = _mebibytes(_directive(_location(imports), "client_max_body_size"))
    assert size >= RegistrySettings.model_fields["csv_max_bytes"].default > json_limit
    # The event stream: unbuffered, and its keep-alive comments come before the read timeout.
    _route(operations_router, "/v1/stream", "GET")
    stream = _location("= /v1/stream")
    assert _directive(stream, "proxy_buffering") == "off"
    read_timeout = int(_directive(stream, "proxy_read_timeout").removesuffix("s"))
    assert read_timeout > OperationsSettings.model_fields["stream_keepalive_s"].default
    # nginx drops an idle upstream connection before uvicorn does.
    uvicorn_idle = ServiceSettings.model_fields["http_keepalive_timeout_s"].default
    idle = re.findall(r"^\s*keepalive_timeout (\d+)s;", CONF, re.MULTILINE)
    upstream_idle = [int(v) for v in idle[1:]]  # the first is the clients' side
    assert len(upstream_idle) == len(SERVICE_PORTS)
    assert all(v < uvicorn_idle for v in upstream_idle)
    # Each service's port is its settings' default, as clients address them today.
    for name, settings in (("intake", IntakeSettings), ("registry", RegistrySettings)):
        assert settings.model_fields["port"].default == SERVICE_PORTS[name]
    for name, port in SERVICE_PORTS.items():
        assert f"server {name}:{port};" in CONF


def test_the_problem_body_is_json_for_every_status_it_serves() -> None:
    """The template with the longest values of each map is still valid JSON."""
    template = (CONF_DIR / "locations.conf").read_text()
    body = re.search(r"return 200 '([^']*)';", template)
    assert body is not None
    statuses = re.search(r"error_page ([\d ]+) /_nic/problem;", CONF)
    assert statuses is not None
    for status in statuses.group(1).split():
        filled = (
            body.group(1)
            .replace("${problem_slug}", "x")
            .replace("${problem_title}", "x")
            .replace("${status}", status)
            .replace("${problem_detail}", "x")
            .replace("${problem_instance}", ',"instance":"/a"')
            .replace("${problem_errors}", ',"errors":[{"pointer":"#","rule":"max-body-size"}]')
        )
        assert json.loads(filled)["status"] == int(status)


def _map(variable: str) -> dict[str, str]:
    """The plain entries of the nginx `map` that sets `variable` (regex keys left out)."""
    block = re.search(rf"map \S+ \${variable} \{{(.*?)\}}", CONF, re.DOTALL)
    assert block is not None, variable
    pairs = re.findall(r'^\s*([\w:]+) "?([^";]*)"?;', block.group(1), re.MULTILINE)
    return dict(pairs)


def test_the_proxys_titles_are_the_services_titles_for_the_same_problem() -> None:
    slugs, titles = _map("problem_slug"), _map("problem_title")
    shared = [
        (status, slug) for status, slug in slugs.items() if status.isdigit() and slug in TITLES
    ]
    assert {slug for _, slug in shared} >= {"bad-request", "not-found", "payload-too-large"}
    for status, slug in shared:
        assert (titles[f"{status}:nb"], titles[f"{status}:en"]) == TITLES[slug], slug
