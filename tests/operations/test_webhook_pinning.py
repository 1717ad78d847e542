"""Webhook attempts connect to the address their check vetted (no DNS rebinding), and keep
the target's name for the Host header, TLS SNI and the certificate check."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import trustme
import uvicorn
from fastapi import FastAPI, Request, Response

from nic_operations import webhook_delivery, webhooks
from nic_operations.settings import OperationsSettings
from tests.operations.stand_ins import platform
from tests.operations.waiting import eventually
from tests.support.ports import free_port
from tests.support.services import auth

OPS = auth("operations")
PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


def _worker(monkeypatch: pytest.MonkeyPatch, answers: list[list[str]]) -> Any:
    """A delivery worker whose resolver answers `answers` in turn and whose HTTP client
    records requests; returns (worker, what was asked, requests, recorded outcomes)."""
    asked: list[tuple[str, int]] = []
    sent: list[httpx.Request] = []
    recorded: list[tuple[int | None, str | None]] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return answers[min(len(asked), len(answers)) - 1]

    def receive(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.host == PUBLIC_V6:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(204)

    async def record(
        _row: Any, status_code: int | None, error: str | None, _ms: int, _wait: Any = None
    ) -> None:
        recorded.append((status_code, error))

    monkeypatch.setattr(webhooks, "resolve", resolver)
    worker = webhook_delivery.DeliveryWorker(None, OperationsSettings(), None)
    monkeypatch.setattr(
        worker, "_client", httpx.AsyncClient(transport=httpx.MockTransport(receive))
    )
    monkeypatch.setattr(worker, "_record", record)
    return worker, asked, sent, recorded


def _row(url: str) -> SimpleNamespace:
    return SimpleNamespace(
        id="msg_pinning",
        body='{"type": "no.nic.application.submitted.v1"}',
        attempts=0,
        subscription_id=uuid.uuid4(),
        url=url,
        secret=webhooks.new_secret(),
    )


async def test_an_attempt_goes_to_the_checked_address_though_dns_answers_otherwise_later(
    monkeypatch,
):
    # a hostile DNS server: a public address for the check, loopback for anyone asking after
    worker, asked, sent, recorded = _worker(monkeypatch, [[PUBLIC_V4], ["127.0.0.1"]])
    row = _row("https://hooks.example.org/nic/events?v=1")
    await worker._attempt(row)
    assert recorded == [(204, None)]
    assert asked == [("hooks.example.org", 443)]  # asked once, by the check
    [request] = sent
    assert str(request.url) == f"https://{PUBLIC_V4}/nic/events?v=1"
    assert request.headers["host"] == "hooks.example.org"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    assert webhooks.verify(row.secret, dict(request.headers), request.content)

    # the next attempt's check gets the rebound answer and refuses before connecting
    await worker._attempt(row)
    assert len(sent) == 1
    status, error = recorded[1]
    assert status is None
    assert error is not None
    assert "UnsafeTarget" in error
    assert "127.0.0.1" in error
    await worker.close()


async def test_a_refused_connection_tries_the_next_vetted_address_and_no_other(monkeypatch):
    worker, asked, sent, recorded = _worker(monkeypatch, [[PUBLIC_V6, PUBLIC_V4]])
    monkeypatch.setattr(worker, "settings", OperationsSettings(allow_http_webhook_targets=True))
    await worker._attempt(_row("http://hooks.example.org:8080/hook"))
    assert recorded == [(204, None)]
    assert [str(r.url) for r in sent] == [
        f"http://[{PUBLIC_V6}]:8080/hook",
        f"http://{PUBLIC_V4}:8080/hook",
    ]
    assert {r.headers["host"] for r in sent} == {"hooks.example.org:8080"}
    assert all("sni_hostname" not in r.extensions for r in sent)  # plain http: no TLS
    assert asked == [("hooks.example.org", 8080)]
    await worker.close()


def _hook_app(seen: list[tuple[dict[str, str], bytes]]) -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        seen.append((dict(request.headers), await request.body()))
        return Response(status_code=204)

    return app


@contextlib.asynccontextmanager
async def tls_receiver(app: FastAPI, cert_chain: Path) -> AsyncIterator[tuple[int, list[str]]]:
    """The app over https on 127.0.0.1; yields the port and the SNI names clients sent."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ssl_certfile=str(cert_chain),
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    config.load()
    names: list[str] = []

    def sni(_sock: Any, name: str | None, _context: Any) -> None:
        names.append(name or "")

    assert config.ssl is not None
    config.ssl.sni_callback = sni
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        yield port, names
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def test_https_delivery_presents_the_hostname_for_sni_and_the_certificate(
    broker, new_database, topic_prefix, backend, tmp_path, monkeypatch
):
    if backend != "sqlite":
        pytest.skip("the connection is the subject here, not the database")
    ca = trustme.CA()
    ca_file, chain = tmp_path / "ca.pem", tmp_path / "hooks.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    ca.issue_cert("hooks.nic.test").private_key_and_cert_chain_pem.write_to_path(str(chain))

    # names no real DNS server knows: if anything but the check resolved them, the
    # connection could not be made at all
    async def local_names(host: str, port: int) -> list[str]:
        assert host in {"hooks.nic.test", "other.nic.test"}
        return ["127.0.0.1"]

    monkeypatch.setattr(webhooks, "resolve", local_names)
    seen: list[tuple[dict[str, str], bytes]] = []
    async with (
        tls_receiver(_hook_app(seen), chain) as (port, names),
        platform(broker.bootstrap, new_database, topic_prefix, webhook_ca_file=str(ca_file)) as p,
    ):
        ops = p.operations.client
        made = {}
        for name in ("hooks.nic.test", "other.nic.test"):
            answer = await ops.post(
                "/v1/webhooks/subscriptions",
                json={
                    "url": f"https://{name}:{port}/hook",
                    "event_types": ["application.submitted"],
                },
                headers=OPS,
            )
            assert answer.status_code == 201, answer.text
            made[name] = answer.json()
        application = str(uuid.uuid4())
        await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": str(uuid.uuid4())}
        )

        async def arrived() -> bool:
            return len(seen) >= 1

        await eventually(arrived)
        [(headers, body)] = seen
        assert headers["host"] == f"hooks.nic.test:{port}"
        assert webhooks.verify(made["hooks.nic.test"]["secret"], headers, body)
        assert application in body.decode()

        # other.nic.test reaches the same address, but the certificate is not for that name
        async def refused() -> Any:
            found = (
                await ops.get(
                    f"/v1/webhooks/subscriptions/{made['other.nic.test']['id']}/deliveries",
                    headers=OPS,
                )
            ).json()
            return found if found and found[0]["last_error"] else None

        [delivery] = await eventually(refused)
        assert delivery["status"] in {"pending", "failed"}  # retried, never delivered
        assert "CERTIFICATE_VERIFY_FAILED" in delivery["last_error"]
        assert "other.nic.test" in delivery["last_error"]
        assert len(seen) == 1  # nothing reached the endpoint over that connection
        assert "hooks.nic.test" in names
        assert "other.nic.test" in names
