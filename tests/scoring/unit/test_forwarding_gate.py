"""Innovasjonsrammen stage 5 in scoring: only what a cluster forwarded reaches the panel."""

from __future__ import annotations

import pytest

from nic_scoring.domain.cluster_priority import gated_status


@pytest.mark.parametrize(
    ("status", "stage", "forwarded", "expected"),
    [
        ("scorable", False, None, "scorable"),  # a call without a cluster stage
        ("scorable", True, None, "awaiting_cluster"),
        ("awaiting_cluster", True, True, "scorable"),
        ("scorable", True, False, "not_forwarded"),
        ("awaiting_cluster", False, None, "scorable"),
        ("pending", True, True, "pending"),  # forwarded, but eligibility not settled
        ("ineligible", True, True, "ineligible"),
        ("pending", True, False, "not_forwarded"),
        ("withdrawn", True, True, "withdrawn"),
        ("not_forwarded", True, True, "not_forwarded"),  # closed for good
        ("scorable", False, False, "not_forwarded"),  # the forwarding came before the call
    ],
)
def test_an_eligible_proposal_is_scorable_only_once_its_cluster_forwarded_it(
    status, stage, forwarded, expected
):
    assert gated_status(status, cluster_stage=stage, forwarded=forwarded) == expected
