"""Every service, operations too, declares its probes, metrics and event contract public
(`security: []`), and nothing but them among the shared routes."""

from __future__ import annotations

from typing import Any

import pytest

from nic_shared.openapi import PUBLIC_PATHS

ALL_SERVICES = ("intake", "eligibility", "scoring", "registry", "operations")


def _document(service: str) -> dict[str, Any]:
    module = __import__(f"nic_{service}.main", fromlist=["create_app"])
    return dict(module.create_app().openapi())


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_probes_metrics_and_the_event_contract_take_no_token(service):
    paths = _document(service)["paths"]
    assert {"/healthz", "/readyz", "/readyz/broker", "/metrics"} <= set(paths)
    for path in PUBLIC_PATHS:
        if path in paths:
            assert paths[path]["get"]["security"] == [], path


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_the_ops_routes_still_need_a_token(service):
    paths = _document(service)["paths"]
    assert paths["/v1/ops/status"]["get"].get("security") != []
