"""Replaying a stored Idempotency-Key response exactly as it was first sent."""

from __future__ import annotations

import json

from fastapi import Response

from nic_shared.idempotency import StoredResponse


def replay(stored: StoredResponse) -> Response:
    return Response(
        json.dumps(stored.body),
        status_code=stored.status_code,
        media_type="application/json",
        headers=stored.headers,
    )
