"""Webhooks: signed deliveries on a local receiver, retries, the attempt log, re-send, pause,
and refused targets."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response

from nic_operations import webhooks
from nic_operations.settings import OperationsSettings
from tests.operations.stand_ins import platform
from tests.operations.waiting import eventually
from tests.support.services import auth, serve

OPS = auth("operations")
SUBMITTED = "no.nic.application.submitted.v1"


@dataclass
class Receiver:
    """Answers 500 to the first `fail_first` requests on /hook, 200 after; /down always 500."""

    fail_first: int = 1
    hook: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    down: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            status = 500 if len(self.hook) < self.fail_first else 204
            self.hook.append((dict(request.headers), await request.body(), status))
            return Response(status_code=status)

        @app.post("/down")
        async def down(request: Request) -> Response:
            self.down.append(dict(request.headers))
            return Response(status_code=503)

        return app


async def test_a_signed_application_submitted_arrives_after_a_retry(
    broker, new_database, topic_prefix
):
    receiver = Receiver()
    async with (
        serve(receiver.app(), ready=False) as hooks,
        platform(broker.bootstrap, new_database, topic_prefix, webhook_pause_after_failures=3) as p,
    ):
        ops = p.operations.client
        created = await ops.post(
            "/v1/webhooks/subscriptions",
            json={"url": f"{hooks.base_url}/hook", "event_types": ["application.submitted"]},
            headers=OPS,
        )
        assert created.status_code == 201, created.text
        subscription = created.json()
        secret = subscription["secret"]
        assert secret.startswith("whsec_")
        assert subscription["event_types"] == [SUBMITTED]
        failing = await ops.post(
            "/v1/webhooks/subscriptions",
            json={"url": f"{hooks.base_url}/down", "event_types": [SUBMITTED, "panel.scored"]},
            headers=OPS,
        )
        assert failing.status_code == 201
        listed = (await ops.get("/v1/webhooks/subscriptions", headers=OPS)).json()
        assert all("secret" not in s for s in listed)

        application = str(uuid.uuid4())
        await p.services["intake"].client.post(
            "/submit", json={"application_id": application, "call_id": str(uuid.uuid4())}
        )
        await eventually(lambda: _at_least(receiver.hook, 2))
        (first_headers, first_body, first_status), (headers, body, status) = receiver.hook[:2]
        assert (first_status, status) == (500, 204)
        assert headers["webhook-id"] == first_headers["webhook-id"]
        assert headers["webhook-id"].startswith("msg_")
        assert webhooks.verify(secret, headers, body)
        assert webhooks.verify(secret, first_headers, first_body)
        assert not webhooks.verify(webhooks.new_secret(), headers, body)
        assert not webhooks.verify(secret, headers, body.replace(b"subject", b"Subject"))
        event = json.loads(body)
        assert (event["type"], event["subject"]) == (SUBMITTED, application)
        assert event["data"]["application_id"] == application

        async def delivered() -> Any:
            found = (
                await ops.get(
                    f"/v1/webhooks/subscriptions/{subscription['id']}/deliveries", headers=OPS
                )
            ).json()
            return found if [d["status"] for d in found] == ["delivered"] else None

        deliveries = await eventually(delivered)  # the worker records after the answer
        delivery = (
            await ops.get(f"/v1/webhooks/deliveries/{deliveries[0]['id']}", headers=OPS)
        ).json()
        assert [(a["number"], a["status_code"]) for a in delivery["attempt_log"]] == [
            (1, 500),
            (2, 204),
        ]

        resent = await ops.post(f"/v1/webhooks/deliveries/{delivery['id']}/resend", headers=OPS)
        assert resent.status_code == 202
        await eventually(lambda: _at_least(receiver.hook, 3))
        assert receiver.hook[2][0]["webhook-id"] == headers["webhook-id"]
        assert webhooks.verify(secret, receiver.hook[2][0], receiver.hook[2][1])

        # the endpoint that keeps failing is paused after 3 failed attempts in a row
        async def paused() -> Any:
            sub = (
                await ops.get(f"/v1/webhooks/subscriptions/{failing.json()['id']}", headers=OPS)
            ).json()
            return sub if sub["status"] == "paused" else None

        # Two deliveries (submitted and scored) may be in flight together when it pauses: a
        # request is seen by the receiver before its failure is counted, so wait for both.
        async def settled() -> Any:
            sub = await paused()
            return sub if sub and sub["consecutive_failures"] == len(receiver.down) else None

        await eventually(settled)
        await asyncio.sleep(1.0)  # several backoff periods: nothing more is sent
        sub = await settled()
        assert sub is not None
        assert 3 <= sub["consecutive_failures"] <= 4
        text = (await ops.get("/metrics")).text
        assert 'nic_webhook_attempts_total{outcome="failed"}' in text


async def _at_least(items: list[Any], n: int) -> bool:
    return len(items) >= n


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.215.14/hook",
        "https://user:pw@93.184.215.14/hook",
        "ftp://93.184.215.14/hook",
    ],
)
async def test_loopback_link_local_private_and_plain_http_targets_are_refused(url):
    with pytest.raises(webhooks.UnsafeTarget):
        await webhooks.check_target(url, OperationsSettings())


async def test_a_public_https_address_is_accepted_and_the_settings_open_the_rest():
    await webhooks.check_target("https://93.184.215.14/hook", OperationsSettings())
    relaxed = OperationsSettings(
        allow_private_webhook_targets=True, allow_http_webhook_targets=True
    )
    await webhooks.check_target("http://127.0.0.1:9/hook", relaxed)


def test_signature_follows_standard_webhooks():
    # the example of the Standard Webhooks specification's reference libraries
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected
