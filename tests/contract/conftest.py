"""The five services as processes (SQLite, the shared test broker) for contract fuzzing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.platform import ALL_SERVICES, running
from tests.support.processes import ServiceProcess

SERVICES = ("intake", "eligibility", "scoring", "registry")
"""Fuzzed by test_schemathesis's three checks; all five by test_schemathesis_all_checks."""


@pytest.fixture(scope="session")
def services(broker, tmp_path_factory) -> Iterator[dict[str, ServiceProcess]]:
    with running(broker.bootstrap, tmp_path_factory.mktemp("contract"), ALL_SERVICES) as started:
        yield started
