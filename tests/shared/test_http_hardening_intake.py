"""The JSON body limit against the real intake service: an attachment larger than the limit
still uploads (its own per-file limit applies), while a JSON body that large is 413."""

from __future__ import annotations

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.settings import IntakeSettings
from tests.intake.builders import Clock, applicant, attach, draft, open_call
from tests.support.ports import free_port
from tests.support.services import migrate, serve, service_settings

MIB = 1024 * 1024


async def test_attachments_beyond_the_json_limit_upload_and_json_that_large_is_413(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    await migrate(MIGRATIONS, url)
    settings = service_settings(f"127.0.0.1:{free_port()}", url, "t.") | {
        "data_dir": str(tmp_path / "data"),
        "relay_backoff_max_s": 0.5,
    }
    app = create_app(IntakeSettings(**settings))
    app.state.clock = Clock()
    async with serve(app, ready=False) as intake:
        call = await open_call(intake.client)
        application = await draft(intake.client, call["id"], {"title": "T"})
        data = b"%PDF-1.7 " + b"z" * (3 * MIB)
        uploaded = await attach(intake.client, application["id"], "budget", data)
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["size_bytes"] == len(data)

        too_large = await intake.client.post(
            "/v1/applications",
            content=b'{"call_id": "' + b"x" * (2 * MIB) + b'"}',
            headers={**applicant(), "Content-Type": "application/json"},
        )
        assert too_large.status_code == 413, too_large.text
        assert too_large.json()["errors"][0]["rule"] == "max-body-size"
