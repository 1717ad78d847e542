"""What a developer's machine looks like while `make run` is up: the default ports held,
the platform's NIC_* settings in the shell."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

DEFAULT_PORTS = (9092, 8001, 8002, 8003, 8004, 8005)

DEVELOPER_SETTINGS = {
    "NIC_BROKER_PORT": "9092",
    "NIC_INTAKE_PORT": "8001",
    "NIC_OPERATIONS_PORT": "8005",
    "NIC_ELIGIBILITY_REGISTRY_URL": "http://127.0.0.1:8004",
    "NIC_INTAKE_KAFKA_BOOTSTRAP": "127.0.0.1:9092",
    "NIC_SCORING_MAIL_FOLDER": "/nonexistent/developer-mail",
    "NIC_OPERATIONS_SERVICE_URLS": '{"intake": "http://127.0.0.1:8001"}',
}


@contextmanager
def listening_on(port: int) -> Iterator[bool]:
    """Listen on 127.0.0.1:port; True if we hold it, False if something else already did."""
    with socket.socket() as server:
        try:
            server.bind(("127.0.0.1", port))
        except OSError:
            yield False  # a real `make run` (or anything) has it: taken all the same
            return
        server.listen()
        yield True


@contextmanager
def default_ports_taken() -> Iterator[None]:
    with ExitStack() as stack:
        for port in DEFAULT_PORTS:
            stack.enter_context(listening_on(port))
        yield


@contextmanager
def developer_settings_in_the_shell() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in DEVELOPER_SETTINGS}
    os.environ.update(DEVELOPER_SETTINGS)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
