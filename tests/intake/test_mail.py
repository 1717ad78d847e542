"""The confirmation of receipt goes to the contact person: through a real SMTP server, and
to the mail folder by default; a mail server outage never fails a submission."""

from __future__ import annotations

import asyncio

from aiosmtpd.controller import Controller

from tests.intake.builders import complete_circular, open_call, scalar, submit
from tests.support.ports import free_port
from tests.support.smtp import Inbox


async def eventually(check, timeout_s: float = 10.0):
    for _ in range(int(timeout_s / 0.05)):
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("condition never held")


async def test_receipt_mail_through_a_real_smtp_server(start_intake):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        async with start_intake(
            mail_transport="smtp", smtp_host="127.0.0.1", smtp_port=port
        ) as intake:
            call = await open_call(intake.client)
            app_id = await complete_circular(intake.client, call["id"])
            receipt = (await submit(intake.client, app_id)).json()

            async def received():
                return inbox.messages

            [(recipients, message)] = await eventually(received)
    finally:
        controller.stop()
    assert recipients == ["kari@example.no"]
    assert "Kvittering" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert receipt["content_sha256"] in body
    assert app_id in body


async def test_mail_server_down_never_fails_a_submission(start_intake):
    async with start_intake(
        mail_transport="smtp", smtp_host="127.0.0.1", smtp_port=free_port()
    ) as intake:
        call = await open_call(intake.client)
        app_id = await complete_circular(intake.client, call["id"])
        assert (await submit(intake.client, app_id)).status_code == 201

        async def attempted():
            return await scalar(intake.database_url, "SELECT attempts FROM mail_outbox")

        await eventually(attempted)
        assert await scalar(intake.database_url, "SELECT sent_at FROM mail_outbox") is None


async def test_mail_folder_by_default(intake):
    call = await open_call(intake.client)
    app_id = await complete_circular(intake.client, call["id"])
    assert (await submit(intake.client, app_id)).status_code == 201
    folder = intake.data_dir / "mail"

    async def written():
        return list(folder.glob("*.eml")) if folder.exists() else []

    [path] = await eventually(written)
    assert "To: kari@example.no" in path.read_text()
