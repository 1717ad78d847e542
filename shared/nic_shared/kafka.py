"""Kafka plumbing the outbox relay and the consumers share: producers, topics, headers."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

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


async def refresh_metadata(producer: AIOKafkaProducer) -> None:
    """Ask the broker about the producer's topics right before a send.

    The embedded broker (Tansu 0.6) breaks a topic for good when a Produce request names it
    before it exists: the records are acknowledged but can never be fetched, and later
    sends fail with UnknownError. A long-lived producer does exactly that after the broker
    restarted empty while it was idle (its metadata still lists the topic). A Metadata
    request first creates missing topics the sound way.
    """
    if not await producer.client.force_metadata_update():
        raise KafkaConnectionError("the broker did not answer a metadata request")


_stopping: set[asyncio.Task[None]] = set()


async def stop_client(client: AIOKafkaProducer | AIOKafkaConsumer, timeout_s: float = 5.0) -> None:
    """Stop a client, but do not wait on it for ever: an aiokafka consumer whose fetch was
    under way when the broker went away may never finish stopping. It is dropped either
    way; a stop still running is kept referenced until it ends."""
    task = asyncio.ensure_future(client.stop())
    _stopping.add(task)
    task.add_done_callback(_stopping.discard)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if not done:
        log.warning(
            "kafka client did not stop in time; dropped", extra={"client": type(client).__name__}
        )
    elif task.exception() is not None:
        log.debug("kafka client stop failed", extra={"error": repr(task.exception())})


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
            new = [
                NewTopic(t, settings.kafka_partitions, settings.kafka_replication_factor)
                for t in missing
            ]
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
            log.info("topics created", extra={"topics": missing})
    finally:
        await admin.close()


CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"


def event_headers(traceparent: str | None = None) -> Headers:
    """Headers of a CloudEvent on Kafka in structured mode: the value is the whole event.

    No `ce_*` header: the Kafka binding reads any of them as binary mode, where the
    attributes would have to be headers (CloudEvents Kafka binding 1.0, 3.1).
    """
    headers: Headers = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
    if traceparent:
        headers.append(("traceparent", traceparent.encode()))
    return headers


def header(headers: Headers | None, name: str) -> str | None:
    for key, value in headers or []:
        if key == name:
            return value.decode(errors="replace")
    return None
