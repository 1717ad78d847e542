"""Webhook targets: IPv6 forms that embed an IPv4 address are judged by that IPv4 address,
whether the URL names the address or a name resolves to it."""

from __future__ import annotations

import ipaddress

import pytest

from nic_operations import webhooks
from nic_operations.settings import OperationsSettings
from tests.operations.stand_ins import platform
from tests.support.services import auth

OPS = auth("operations")
NONE = "0.0.0.0"  # noqa: S104 (an address judged here, never bound)

EMBEDDING_A_LOOPBACK_OR_PRIVATE_IPV4 = [
    "64:ff9b::7f00:1",  # NAT64, well-known prefix: 127.0.0.1
    "64:ff9b::a00:1",  # NAT64: 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64: 169.254.169.254 (cloud metadata)
    "64:ff9b:1::7f00:1",  # NAT64, local-use prefix (/96 reading): 127.0.0.1
    "64:ff9b:1:7f00:0:1::",  # NAT64, local-use prefix (/48 reading): 127.0.0.1
    "2002:7f00:1::",  # 6to4: 127.0.0.1
    "2002:c0a8:1::1",  # 6to4: 192.168.0.1
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.1.2.3",  # IPv4-mapped
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::ffff:0:7f00:1",  # IPv4-translated (SIIT)
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo: client 127.0.0.1 (inverted)
    "2001:0:7f00:1:8000:63bf:f7f7:f7f7",  # Teredo: server 127.0.0.1, client 8.8.8.8
]


@pytest.mark.parametrize("address", EMBEDDING_A_LOOPBACK_OR_PRIVATE_IPV4)
async def test_a_subscription_to_an_address_embedding_a_private_ipv4_is_refused(
    address, broker, new_database, topic_prefix, backend, monkeypatch
):
    if backend != "sqlite":
        pytest.skip("the target check is the subject here, not the database")
    real_resolve = webhooks.resolve

    async def resolve(host: str, port: int) -> list[str]:
        if host == "hooks.example.org":
            return ["93.184.215.14", address]  # one bad answer among good ones is enough
        return await real_resolve(host, port)

    monkeypatch.setattr(webhooks, "resolve", resolve)
    async with platform(
        broker.bootstrap, new_database, topic_prefix, allow_private_webhook_targets=False
    ) as p:
        ops = p.operations.client
        for url in (f"https://[{address}]/hook", "https://hooks.example.org/hook"):
            answer = await ops.post(
                "/v1/webhooks/subscriptions",
                json={"url": url, "event_types": ["application.submitted"]},
                headers=OPS,
            )
            assert answer.status_code == 422, (url, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
            problem = answer.json()
            assert [(e["pointer"], e["rule"]) for e in problem["errors"]] == [
                ("#/url", "safe-target")
            ]
            assert str(ipaddress.ip_address(address)) in problem["errors"][0]["detail"]
        listed = await ops.get("/v1/webhooks/subscriptions", headers=OPS)
        assert listed.json() == []


@pytest.mark.parametrize(
    ("address", "embedded"),
    [
        ("64:ff9b::7f00:1", ["127.0.0.1"]),
        ("64:ff9b::808:808", ["8.8.8.8"]),
        ("2002:7f00:1::", ["127.0.0.1"]),
        ("2002:808:808::1", ["8.8.8.8"]),
        ("::ffff:127.0.0.1", ["127.0.0.1"]),
        ("::127.0.0.1", ["127.0.0.1"]),
        ("::ffff:0:a00:1", ["10.0.0.1"]),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", ["65.54.227.120", "127.0.0.1"]),
        # local-use NAT64: every RFC 6052 reading (prefix /48, /56, /64, /96)
        ("64:ff9b:1:7f00:0:1::", ["127.0.0.0", "0.0.0.1", "0.0.1.0", NONE]),
        ("64:ff9b:1::808:808", [NONE, NONE, "0.0.0.8", "8.8.8.8"]),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", []),
        ("fe80::1", []),
    ],
)
def test_the_ipv4_address_an_ipv6_address_embeds(address, embedded):
    found = webhooks.embedded_ipv4(ipaddress.IPv6Address(address))
    assert [str(a) for a in found] == embedded


@pytest.mark.parametrize("address", EMBEDDING_A_LOOPBACK_OR_PRIVATE_IPV4)
def test_an_address_embedding_a_private_ipv4_is_not_safe(address):
    assert not webhooks.is_safe_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::808:808",  # NAT64 to 8.8.8.8
        "64:ff9b::5db8:d70e",  # NAT64 to 93.184.215.14
        "::ffff:8.8.8.8",  # IPv4-mapped 8.8.8.8
        "8.8.8.8",
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
        "2a00:1450:4010:c0e::71",
    ],
)
def test_public_addresses_and_forms_embedding_a_public_ipv4_are_safe(address):
    assert webhooks.is_safe_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "169.254.169.254", NONE, "224.0.0.1", "::1", "::", "fe80::1"],
)
def test_plain_loopback_private_and_multicast_addresses_stay_unsafe(address):
    assert not webhooks.is_safe_address(ipaddress.ip_address(address))


async def test_check_target_refuses_embedded_forms_as_literals_and_as_resolved_answers(
    monkeypatch,
):
    async def resolve(host: str, port: int) -> list[str]:
        return {
            "nat64.example.org": ["64:ff9b::7f00:1"],
            "public.example.org": ["64:ff9b::808:808"],
        }.get(host, [host])

    monkeypatch.setattr(webhooks, "resolve", resolve)
    settings = OperationsSettings()
    for url in ("https://[64:ff9b::7f00:1]/hook", "https://nat64.example.org/hook"):
        with pytest.raises(webhooks.UnsafeTarget, match="64:ff9b::7f00:1"):
            await webhooks.check_target(url, settings)
    target = await webhooks.check_target("https://public.example.org/hook", settings)
    assert target.addresses == ("64:ff9b::808:808",)
    await webhooks.check_target("https://[64:ff9b::808:808]/hook", settings)


async def test_the_private_targets_setting_opens_embedded_forms_too():
    relaxed = OperationsSettings(allow_private_webhook_targets=True)
    for address in EMBEDDING_A_LOOPBACK_OR_PRIVATE_IPV4:
        target = await webhooks.check_target(f"https://[{address}]/hook", relaxed)
        assert [ipaddress.ip_address(a) for a in target.addresses] == [
            ipaddress.ip_address(address)
        ]
