"""Prometheus metrics, one registry per app so several apps can live in one process (tests).

Under several uvicorn workers (`nic_shared.serving`) prometheus_client runs in multiprocess
mode: PROMETHEUS_MULTIPROC_DIR is set before it is imported, every worker writes its values
to files there, and `render` answers the sum over all of them (counters and histograms
added up; each gauge as its `multiprocess_mode` says). With one process nothing changes.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess_dir = multiprocess_dir()
        labels = {"service": service}
        r = self.registry
        self.http_requests = Counter(
            "nic_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_latency = Histogram(
            "nic_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.events_published = Counter(
            "nic_events_published", "Events the outbox relay published", ["type"], registry=r
        )
        self.events_consumed = Counter(
            "nic_events_consumed", "Events handled by outcome", ["type", "outcome"], registry=r
        )
        self.event_handling = Histogram(
            "nic_event_handling_seconds",
            "Time to handle one event",
            ["type"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.consumer_retries = Counter(
            "nic_consumer_retries",
            "Event handling attempts that will be retried",
            ["type"],
            registry=r,
        )
        self.dead_letters = Counter(
            "nic_dead_letters", "Events sent to a dead-letter topic", ["type"], registry=r
        )
        self.dead_letter_replays = Counter(
            "nic_dead_letter_replays",
            "Dead letters an operator sent again to their origin topic",
            ["type"],
            registry=r,
        )
        self.retention_pruned = Counter(
            "nic_retention_pruned_rows",
            "Rows the retention pass deleted, by table",
            ["table"],
            registry=r,
        )
        # Several workers measure the same backlog and lag: the latest reading of a live
        # worker is the value (a worker that stopped drops out with its readings).
        self.outbox_backlog = Gauge(
            "nic_outbox_backlog",
            "Outbox rows not yet published",
            registry=r,
            multiprocess_mode="livemostrecent",
        )
        self.outbox_oldest_age = Gauge(
            "nic_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unsent outbox row",
            registry=r,
            multiprocess_mode="livemostrecent",
        )
        self.consumer_lag = Gauge(
            "nic_consumer_lag",
            "Messages behind the partition's end",
            ["topic", "partition"],
            registry=r,
            multiprocess_mode="livemostrecent",
        )
        # A link is up only if it is up in every live worker (each runs its own).
        self.broker_connected = Gauge(
            "nic_broker_connected",
            "1 while this link to the broker (relay, consumer) is connected",
            ["link"],
            registry=r,
            multiprocess_mode="livemin",
        )
        self.info = Gauge(
            "nic_service_info",
            "The service this process runs",
            ["service"],
            registry=r,
            multiprocess_mode="max",
        )
        self.info.labels(**labels).set(1)

    def render(self) -> bytes:
        """The exposition text: this registry, or, under several workers, all of them."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


def multiprocess_dir() -> str | None:
    """The folder every worker's values are in, when prometheus_client runs in multiprocess
    mode (it chose so when imported: PROMETHEUS_MULTIPROC_DIR was set); otherwise None."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and values.ValueClass is not values.MutexValue:
        return folder
    return None
