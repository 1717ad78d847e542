"""Kafka plumbing the outbox relay and the consumers share: producers, topics, headers."""

from __future__ import annotations

import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from nic_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """acks=all always; idempotence only where the broker supports it (not Tansu)."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"nic-{settings.service_name}",
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        linger_ms=5,
        max_batch_size=512 * 1024,
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )


async def ensure_topics(settings: ServiceSettings, topics: list[str]) -> None:
    """Create missing topics (the embedded broker forgets them when it restarts)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if missing:
            new = [NewTopic(t, settings.kafka_partitions, 1) for t in missing]
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
            log.info("topics created", extra={"topics": missing})
    finally:
        await admin.close()


def header(headers: Headers | None, name: str) -> str | None:
    for key, value in headers or []:
        if key == name:
            return value.decode(errors="replace")
    return None
