"""Attachments: streamed upload with a limit and an allow-list, SHA-256, access checks."""

from __future__ import annotations

import asyncio
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


async def test_an_application_holds_a_bounded_number_and_size_of_attachments(start_intake):
    async with start_intake(attachment_max_count=3, attachment_max_total_bytes=2500) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], {"title": "T"})
        for _ in range(2):
            assert (
                await attach(intake.client, app["id"], "budget", b"x" * 1000)
            ).status_code == 201
        too_much = await attach(intake.client, app["id"], "budget", b"x" * 600)
        assert too_much.status_code == 422
        assert too_much.json()["type"] == "urn:nic:problem:attachment-limit"
        assert too_much.json()["errors"][0]["rule"] == "attachment-total-size"
        assert too_much.json()["max_total_bytes"] == 2500
        assert (await attach(intake.client, app["id"], "budget", b"x" * 500)).status_code == 201
        fourth = await attach(intake.client, app["id"], "budget", b"x")
        assert fourth.status_code == 422
        assert fourth.json()["errors"][0]["rule"] == "attachment-count"
        listed = await intake.client.get(
            f"/v1/applications/{app['id']}/attachments", headers=applicant()
        )
        assert sorted(a["size_bytes"] for a in listed.json()["items"]) == [500, 1000, 1000]
        files = list((intake.data_dir / "attachments").iterdir())
        assert len(files) == 3  # what was refused left nothing behind


async def test_parallel_uploads_cannot_pass_the_count_together(start_intake):
    async with start_intake(attachment_max_count=2) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], {"title": "T"})
        answers = await asyncio.gather(
            *(attach(intake.client, app["id"], "budget", b"x" * 100) for _ in range(5))
        )
        assert sorted(a.status_code for a in answers).count(201) == 2
        assert {a.status_code for a in answers} <= {201, 409, 422, 503}
