"""A hypothesis state machine drives applications through intake's HTTP API — draft,
update with If-Match (current and stale), submit, retry with the same Idempotency-Key,
the server's clock moved past the deadline, withdraw — and checks the invariants:
ETag versions only grow; a receipt never changes; nothing is accepted at or after the
deadline; a withdrawn application cannot be submitted or changed; the stored content of
a submitted version never changes.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from nic_shared.json_checks import text_problem
from tests.faults.platform import quiet_port
from tests.intake.builders import CLUSTER_A, OFFICER, OWNER, applicant, inno_content
from tests.support.services import migrate, service_settings, unique_prefix

APPLICANT = applicant(OWNER)
DEADLINE_LOCAL = "2026-12-01T16:00:00"  # Oslo, CET: 15:00 UTC
DEADLINE = datetime(2026, 12, 1, 15, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


TITLES = st.text(min_size=3, max_size=40).filter(lambda t: text_problem(t) is None)
"""Titles a person could type: the edge refuses control characters and invisible-only text
(tests/shared/test_http_hardening.py), so the lifecycle is explored with readable ones."""


@pytest.fixture(scope="module")
def intake(tmp_path_factory) -> Iterator[httpx.Client]:
    """Intake served by uvicorn in a thread of its own; the test sets `app.state.clock`."""
    root: Path = tmp_path_factory.mktemp("lifecycle")
    url = f"sqlite+aiosqlite:///{root}/intake.db"
    asyncio.run(migrate(MIGRATIONS, url))
    values = service_settings(f"127.0.0.1:{quiet_port()}", url, unique_prefix())
    app = create_app(IntakeSettings(**values, data_dir=str(root / "data")))
    port = quiet_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        client.app = app  # type: ignore[attr-defined]
        yield client
    server.should_exit = True
    thread.join(timeout=15)


class Lifecycle(RuleBasedStateMachine):
    client: httpx.Client
    drafts = Bundle("drafts")

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.client.app.state.clock = self.clock  # type: ignore[attr-defined]
        body = {
            "code": f"SM-{uuid.uuid4().hex[:8].upper()}",
            "scheme": "innovasjonsrammen",
            "title": {"nb": "Utlysning", "en": "Call"},
            "description": {"nb": "Beskrivelse", "en": "Description"},
            "opens_at_local": "2026-01-05T09:00:00",
            "deadline_local": DEADLINE_LOCAL,
            "budget_frame_nok": 25_000_000,
        }
        call = self.ok(self.client.post("/v1/calls", json=body, headers=OFFICER), 201)
        self.ok(self.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER), 200)
        self.call_id = call["id"]
        self.etag: dict[str, int] = {}  # the ETag version we last saw
        self.stale: dict[str, str] = {}  # an older ETag
        self.withdrawn: set[str] = set()
        self.receipts: dict[tuple[str, int], dict[str, Any]] = {}
        self.contents: dict[tuple[str, int], Any] = {}
        self.keys: dict[str, tuple[str, dict[str, Any]]] = {}  # key -> (app, receipt)

    @staticmethod
    def ok(response: Any, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    def past_deadline(self) -> bool:
        return self.clock.now >= DEADLINE

    def seen(self, app: str, response: Any) -> None:
        version = int(response.headers["etag"].strip('W/"'))
        assert version >= self.etag.get(app, 0), "ETag versions only grow"
        if version > self.etag.get(app, version):
            self.stale[app] = f'"{self.etag[app]}"'
        self.etag[app] = version

    # -- rules --------------------------------------------------------------------------

    @rule(target=drafts)
    def draft(self) -> str:
        response = self.client.post(
            "/v1/applications",
            json={"call_id": self.call_id, "content": inno_content(CLUSTER_A)},
            headers=APPLICANT,
        )
        if self.past_deadline():
            assert response.status_code == 409, response.text
            return ""
        app = str(self.ok(response, 201)["id"])
        self.seen(app, response)
        upload = self.client.post(
            f"/v1/applications/{app}/attachments",
            params={"kind": "project_description", "filename": "prosjekt.pdf"},
            content=b"%PDF-1.4\n% project description\n",
            headers={**APPLICANT, "Content-Type": "application/pdf"},
        )
        assert upload.status_code == 201, upload.text
        self.etag[app] = int(
            self.client.get(f"/v1/applications/{app}", headers=APPLICANT)
            .headers["etag"]
            .strip('W/"')
        )
        return app

    @rule(app=drafts, title=TITLES, stale=st.booleans())
    def update(self, app: str, title: str, stale: bool) -> None:
        if not app:
            return
        tag = self.stale.get(app) if stale else f'"{self.etag[app]}"'
        if tag is None:
            return
        content = inno_content(CLUSTER_A) | {"title": title}
        response = self.client.put(
            f"/v1/applications/{app}/content",
            json=content,
            headers={**APPLICANT, "If-Match": tag},
        )
        if stale:
            assert response.status_code in (409, 412), response.text
            return
        if app in self.withdrawn or self.past_deadline():
            assert response.status_code == 409, response.text
            return
        self.ok(response, 200)
        self.seen(app, response)

    @rule(app=drafts, retry=st.booleans())
    def submit(self, app: str, retry: bool) -> None:
        if not app:
            return
        previous = [k for k, (a, _) in self.keys.items() if a == app]
        key = previous[-1] if retry and previous else f"k-{uuid.uuid4().hex}"
        response = self.client.post(
            f"/v1/applications/{app}/submit",
            json={"confirm": True},
            headers={**APPLICANT, "Idempotency-Key": key},
        )
        if key in self.keys:  # a retry answers exactly what the first attempt did
            assert response.status_code == 201, response.text
            assert response.json() == self.keys[key][1], "a retry gets the same receipt"
            return
        if app in self.withdrawn:
            assert response.status_code == 409, response.text
            assert response.json()["type"].endswith("application-withdrawn")
            return
        if self.past_deadline():
            assert response.status_code == 409, response.text
            assert response.json()["type"].endswith("deadline-passed")
            return
        receipt = self.ok(response, 201)
        received = datetime.fromisoformat(receipt["received_at_utc"].replace("Z", "+00:00"))
        assert received < DEADLINE, "nothing accepted at or after the deadline"
        self.keys[key] = (app, receipt)
        self.receipts[(app, receipt["version"])] = receipt
        version = self.ok(
            self.client.get(
                f"/v1/applications/{app}/versions/{receipt['version']}", headers=APPLICANT
            ),
            200,
        )
        self.contents[(app, receipt["version"])] = version["content"]
        self.etag[app] = int(
            self.client.get(f"/v1/applications/{app}", headers=APPLICANT)
            .headers["etag"]
            .strip('W/"')
        )

    @rule(app=drafts)
    def withdraw(self, app: str) -> None:
        if not app or app in self.withdrawn:
            return
        submitted = any(a == app for a, _ in self.receipts)
        response = self.client.post(
            f"/v1/applications/{app}/withdraw",
            json={"reason": "We withdraw this one."},
            headers={**APPLICANT, "If-Match": f'"{self.etag[app]}"'},
        )
        if not submitted:
            assert response.status_code == 409, response.text
            return
        self.ok(response, 200)
        self.seen(app, response)
        self.withdrawn.add(app)

    @rule(minutes=st.integers(min_value=1, max_value=3 * 24 * 60))
    def time_passes(self, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)

    @rule()
    def to_the_deadline_exactly(self) -> None:
        self.clock.now = max(self.clock.now, DEADLINE)

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def receipts_and_submitted_content_never_change(self) -> None:
        for (app, number), receipt in self.receipts.items():
            again = self.ok(
                self.client.get(f"/v1/applications/{app}/receipts/{number}", headers=APPLICANT), 200
            )
            assert again == receipt, "a receipt never changes"
            version = self.ok(
                self.client.get(f"/v1/applications/{app}/versions/{number}", headers=APPLICANT), 200
            )
            assert version["content"] == self.contents[(app, number)], "submitted content is frozen"


def test_application_lifecycle_keeps_its_invariants(intake):
    Lifecycle.client = intake
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
