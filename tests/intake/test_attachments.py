"""Attachments: streamed upload with a limit and an allow-list, SHA-256, access checks."""

from __future__ import annotations

import hashlib

from tests.intake.builders import OFFICER, OTHER_ORG, applicant, attach, draft, open_call


async def test_upload_list_and_download(intake):
    call = await open_call(intake.client)
    app = await draft(intake.client, call["id"], {"title": "T"})
    data = b"%PDF-1.7 " + bytes(range(256)) * 1000
    uploaded = await attach(intake.client, app["id"], "budget", data)
    assert uploaded.status_code == 201, uploaded.text
    meta = uploaded.json()
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["size_bytes"] == len(data)
    listed = await intake.client.get(
        f"/v1/applications/{app['id']}/attachments", headers=applicant()
    )
    assert [a["id"] for a in listed.json()["items"]] == [meta["id"]]
    for who in (applicant(), OFFICER):
        got = await intake.client.get(meta["download_url"], headers=who)
        assert got.status_code == 200
        assert got.content == data
        assert got.headers["content-type"] == "application/pdf"
    other = await intake.client.get(meta["download_url"], headers=applicant(OTHER_ORG))
    assert other.status_code == 404
    foreign_upload = await attach(intake.client, app["id"], "budget", org=OTHER_ORG)
    assert foreign_upload.status_code == 404


async def test_size_limit_and_content_types(start_intake):
    async with start_intake(attachment_max_bytes=1000) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], {"title": "T"})
        too_big = await attach(intake.client, app["id"], "budget", b"x" * 1001)
        assert too_big.status_code == 413

        async def chunks():  # no Content-Length: the limit is enforced while streaming
            for _ in range(5):
                yield b"y" * 300

        streamed = await intake.client.post(
            f"/v1/applications/{app['id']}/attachments",
            params={"kind": "budget", "filename": "b.pdf"},
            content=chunks(),
            headers={**applicant(), "Content-Type": "application/pdf"},
        )
        assert streamed.status_code == 413
        exe = await attach(
            intake.client, app["id"], "budget", b"MZ", content_type="application/x-msdownload"
        )
        assert exe.status_code == 415
        assert exe.json()["type"] == "urn:nic:problem:attachment-type-refused"
        ok = await attach(intake.client, app["id"], "budget", b"x" * 1000)
        assert ok.status_code == 201
        files = list((intake.data_dir / "attachments").iterdir())
        assert len(files) == 1  # the refused uploads left nothing behind
