"""Webhooks for systems that will not run a Kafka client (Standard Webhooks).

A subscription names event types (and optionally a call) and an HTTPS endpoint. The
operations consumer queues one delivery per matching event in the same transaction that
records the event as handled (so each event is queued exactly once); a worker sends due
deliveries, signed with the subscription's `whsec_` secret:

    webhook-id: msg_...            (the same on every attempt and re-send: receivers dedupe)
    webhook-timestamp: <unix s>
    webhook-signature: v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>

Failures are retried with backoff (`webhook_backoff_s`), every attempt is logged, a
delivery gives up after `webhook_max_attempts`, and a subscription whose attempts fail
`webhook_pause_after_failures` times in a row is paused (no new deliveries are queued for
it; an operator resumes it). Targets resolving to loopback, link-local, private or other
non-global addresses are refused, at subscription time and again before every attempt,
unless `allow_private_webhook_targets` is set; so are IPv6 addresses that embed such an
IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped: `is_safe_address`). Redirects are not
followed.

The attempt connects to an address that check was made on, not to whatever the name
resolves to a moment later (DNS rebinding): the request goes to the vetted IP, with the
original Host header, and for https the original name as TLS SNI and as the name the
certificate must carry (httpcore's `sni_hostname` request extension).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from nic_operations.models import deliveries, subscriptions
from nic_operations.settings import OperationsSettings
from nic_shared.events import CloudEvent
from nic_shared.events.redaction import redact_envelope

log = logging.getLogger(__name__)

ACTIVE, PAUSED = "active", "paused"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class UnsafeTarget(ValueError):
    """The URL may not be a webhook target."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-signature` value for one message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance_s: int = 300) -> bool:
    """What a receiver does (used by the tests; a reference for integrators)."""
    msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(stamp)) > tolerance_s:
        return False
    expected = sign(secret, msg_id, int(stamp), body).split(",", 1)[1]
    return any(
        hmac.compare_digest(expected, candidate.split(",", 1)[1])
        for candidate in headers["webhook-signature"].split()
        if candidate.startswith("v1,")
    )


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: the addresses the check vetted, and the name to present."""

    url: str
    scheme: str
    host: str
    """The host as in the URL, ASCII (IDNA): SNI and the name the certificate must carry."""
    netloc: str
    """The Host header: the host, and the port when the URL gives a non-default one."""
    addresses: tuple[str, ...]

    def pinned_url(self, address: str) -> httpx.URL:
        """The URL with its host replaced by one vetted address (IPv6 in brackets)."""
        return httpx.URL(self.url).copy_with(host=address)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # RFC 4291: IPv4-mapped
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # RFC 2765 / 6145: IPv4-translated
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291, deprecated: IPv4-compatible
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the well-known prefix
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local-use NAT64
_NAT64_LOCAL_LENGTHS = (48, 56, 64, 96)  # the RFC 6052 prefix lengths that fit in it


def _rfc6052_ipv4(address: ipaddress.IPv6Address, prefix_length: int) -> ipaddress.IPv4Address:
    """The IPv4 address an RFC 6052 translator with a prefix of that length reads (2.2)."""
    octets = address.packed
    if prefix_length == 96:
        return ipaddress.IPv4Address(octets[12:])
    around_u = octets[:8] + octets[9:]  # bits 64-71 (u) are never part of the IPv4 address
    return ipaddress.IPv4Address(around_u[prefix_length // 8 : prefix_length // 8 + 4])


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses a connection to `address` may really reach, or () if none.

    IPv4-mapped (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96) addresses and the
    deprecated IPv4-compatible ones (::/96) carry the IPv4 address in their last 32 bits;
    a NAT64 translator (64:ff9b::/96) forwards to the last 32 bits; 6to4 (2002::/16) relays
    to bits 16-48; Teredo (2001::/32) names its server in bits 32-64 and its client in the
    last 32 bits, inverted. A local-use NAT64 prefix (64:ff9b:1::/48) may be of any RFC 6052
    length the operator chose, so every reading that fits in the block is returned.
    """
    if address in _MAPPED or address in _TRANSLATED or address in _COMPATIBLE:
        return (ipaddress.IPv4Address(address.packed[12:]),)
    if address in _NAT64:
        return (ipaddress.IPv4Address(address.packed[12:]),)
    if address in _NAT64_LOCAL:
        return tuple(_rfc6052_ipv4(address, n) for n in _NAT64_LOCAL_LENGTHS)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo  # (server, client)
    return ()


def is_safe_address(address: IPAddress) -> bool:
    """Whether a webhook may connect to `address`: a global unicast address, and one that
    does not smuggle a non-global IPv4 address inside an IPv6 one.

    Why: an IPv6 form that embeds an IPv4 address (`embedded_ipv4`) reaches that IPv4 host
    through the kernel (IPv4-mapped), a NAT64 translator, a 6to4 or a Teredo relay, but is
    judged by Python as an IPv6 address: `64:ff9b::7f00:1` and `2002:7f00:1::` are "global"
    there, yet reach 127.0.0.1. So every embedded IPv4 address must pass the IPv4 rule (not
    loopback, private, link-local, reserved, ...: `is_global`, and not multicast). The IPv6
    address itself must pass the same rule too, except an IPv4-mapped one, which is only
    the IPv4 address written in IPv6 (so `::ffff:8.8.8.8` is 8.8.8.8 and is allowed).
    """
    embedded: tuple[ipaddress.IPv4Address, ...] = ()
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(address.packed)  # judged without a %zone suffix
        embedded = embedded_ipv4(address)
        if address in _MAPPED:
            address = embedded[0]
    return all(a.is_global and not a.is_multicast for a in (address, *embedded))


async def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order of preference."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_target(url: str, settings: OperationsSettings) -> Target:
    """Refuse URLs a webhook may not point at (UnsafeTarget says why); else the vetted target.

    The caller connects to `Target.addresses` only: resolving the name again at connection
    time would let a DNS server answer a public address here and a private one there.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and settings.allow_http_webhook_targets
    ):
        raise UnsafeTarget("the URL must be https")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeTarget("the URL needs a host and no user info")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (ValueError, httpx.InvalidURL) as exc:
        raise UnsafeTarget("the URL's host or port is invalid") from exc
    try:
        found = await resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(f"the host {parts.hostname} does not resolve") from exc
    if not found:
        raise UnsafeTarget(f"the host {parts.hostname} does not resolve")
    for text in found:
        if settings.allow_private_webhook_targets:
            break
        address = ipaddress.ip_address(text)
        if not is_safe_address(address):
            inner = (
                embedded_ipv4(ipaddress.IPv6Address(address.packed))
                if isinstance(address, ipaddress.IPv6Address)
                else ()
            )
            reaches = f" (which reaches {', '.join(map(str, inner))})" if inner else ""
            raise UnsafeTarget(
                f"the host {parts.hostname} resolves to {address}{reaches}, a loopback, "
                "link-local, private or reserved address"
            )
    return Target(
        url=url,
        scheme=parts.scheme,
        host=host,
        netloc=parsed.netloc.decode("ascii"),
        addresses=tuple(found),
    )


async def post_pinned(
    client: httpx.AsyncClient, target: Target, *, content: bytes, headers: Mapping[str, str]
) -> httpx.Response:
    """POST to the target at its vetted addresses, in order, never resolving its name again.

    The next address is tried only when a connection could not be made (nothing was sent).
    """
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    failure: httpx.ConnectError | None = None
    for address in target.addresses:
        request = client.build_request(
            "POST",
            target.pinned_url(address),
            content=content,
            headers={**headers, "host": target.netloc},
            extensions=extensions,
        )
        try:
            return await client.send(request, follow_redirects=False)
        except httpx.ConnectError as exc:
            failure = exc
    assert failure is not None  # check_target never gives a target without addresses
    raise failure


def webhook_client(settings: OperationsSettings) -> httpx.AsyncClient:
    """The worker's HTTP client.

    No connection is kept for reuse: connections are pooled by address, and one whose
    certificate was checked for one name must not carry a request for another name that
    resolves to the same address.
    """
    verify: ssl.SSLContext | bool = True
    if settings.webhook_ca_file:
        verify = ssl.create_default_context(cafile=settings.webhook_ca_file)
    return httpx.AsyncClient(
        timeout=settings.webhook_timeout_s,
        follow_redirects=False,
        verify=verify,
        limits=httpx.Limits(max_keepalive_connections=0),
        headers={"User-Agent": "nic-operations-webhooks/1"},
    )


def _call_of(event: CloudEvent) -> str | None:
    call_id = event.data.get("call_id")
    return str(call_id) if call_id is not None else None


async def enqueue(session: AsyncSession, event: CloudEvent, raw: bytes | None = None) -> int:
    """Queue a delivery of `event` for every active subscription that wants it."""
    rows = (
        await session.execute(
            select(
                subscriptions.c.id,
                subscriptions.c.event_types,
                subscriptions.c.call_id,
                subscriptions.c.full_payloads,
            ).where(subscriptions.c.status == ACTIVE)
        )
    ).all()
    wanted = [
        (r.id, r.full_payloads)
        for r in rows
        if event.type in r.event_types and (r.call_id is None or r.call_id == _call_of(event))
    ]
    if not wanted:
        return 0
    full = raw.decode() if raw is not None else event.model_dump_json(exclude_none=True)
    redacted = json.dumps(redact_envelope(event.model_dump(mode="json", exclude_none=True)))
    now = datetime.now(UTC)
    await session.execute(
        insert(deliveries),
        [
            {
                "id": f"msg_{uuid.uuid4().hex}",
                "subscription_id": sub_id,
                "event_id": event.id,
                "event_type": event.type,
                "body": full if sees_full else redacted,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for sub_id, sees_full in wanted
        ],
    )
    return len(wanted)
