"""Uploads are scanned by a real clamd (Debian's clamav-daemon, on the EICAR signature
shipped in deploy/clamav): infected files are refused and not kept; with no scanner an
upload is held as unscanned and the submit refuses it unless a setting allows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nic_intake.attachments.scanning import ClamdScanner
from tests.intake.builders import (
    OTHER_ORG,
    applicant,
    attach,
    circular_content,
    draft,
    open_call,
    submit,
)
from tests.support.clamd import eicar, running_clamd

KIND = "partner_goals_and_motivation"


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory) -> Path:
    with running_clamd(tmp_path_factory.mktemp("clamd")) as sock:
        yield sock


def _listing_url(app_id: str) -> str:
    return f"/v1/applications/{app_id}/attachments"


async def test_a_clean_upload_is_scanned_and_submitted(start_intake, clamd_socket):
    async with start_intake(
        clamd_address=f"unix:{clamd_socket}", allow_unscanned_attachments=False
    ) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        uploaded = await attach(intake.client, app["id"], KIND)
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["scan_status"] == "clean"
        assert (await submit(intake.client, app["id"])).status_code == 201


async def test_the_eicar_test_file_is_refused_and_not_kept(start_intake, clamd_socket):
    async with start_intake(
        clamd_address=f"unix:{clamd_socket}", allow_unscanned_attachments=False
    ) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        before = await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
        for body in (eicar(), b"Rapport\n" * 1000 + eicar() + b"\nslutt\n"):
            refused = await attach(
                intake.client, app["id"], KIND, data=body, content_type="text/plain"
            )
            assert refused.status_code == 422, refused.text
            problem = refused.json()
            assert problem["type"] == "urn:nic:problem:attachment-infected"
            assert problem["signature"].startswith("Nic.Test.EICAR")
            assert problem["errors"][0]["rule"] == "malware"
        listed = await intake.client.get(_listing_url(app["id"]), headers=applicant())
        assert listed.json()["items"] == []
        stored = intake.data_dir / "attachments"
        assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
        after = await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
        assert after.headers["etag"] == before.headers["etag"]  # nothing changed


async def test_without_a_scanner_the_upload_is_held_and_the_submit_refuses_it(
    start_intake, clamd_socket
):
    async with start_intake(allow_unscanned_attachments=False) as intake:  # no clamd_address
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        uploaded = (await attach(intake.client, app["id"], KIND)).json()
        assert uploaded["scan_status"] == "unscanned"

        report = (
            await intake.client.get(f"/v1/applications/{app['id']}", headers=applicant())
        ).json()["completeness"]
        assert {"pointer": "#/attachments/0", "rule": "attachment-unscanned"}.items() <= (
            report["problems"][0].items()
        )
        refused = await submit(intake.client, app["id"])
        assert refused.status_code == 422
        assert [e["rule"] for e in refused.json()["errors"]] == ["attachment-unscanned"]

        rescan_url = f"{_listing_url(app['id'])}/{uploaded['id']}/scan"
        away = await intake.client.post(rescan_url, headers=applicant())
        assert away.status_code == 503
        assert away.headers["retry-after"] == "30"

        intake.app.state.scanner = ClamdScanner(f"unix:{clamd_socket}", timeout_s=30)
        scanned = await intake.client.post(rescan_url, headers=applicant())
        assert scanned.status_code == 200, scanned.text
        assert scanned.json()["scan_status"] == "clean"
        assert (await submit(intake.client, app["id"])).status_code == 201


async def test_a_rescan_that_finds_malware_removes_the_attachment(start_intake, clamd_socket):
    async with start_intake(allow_unscanned_attachments=False) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        held = (
            await attach(intake.client, app["id"], KIND, data=eicar(), content_type="text/plain")
        ).json()
        assert held["scan_status"] == "unscanned"  # no scanner at upload time

        intake.app.state.scanner = ClamdScanner(f"unix:{clamd_socket}", timeout_s=30)
        found = await intake.client.post(
            f"{_listing_url(app['id'])}/{held['id']}/scan", headers=applicant()
        )
        assert found.status_code == 422
        assert found.json()["type"] == "urn:nic:problem:attachment-infected"
        listed = await intake.client.get(_listing_url(app["id"]), headers=applicant())
        assert listed.json()["items"] == []


async def test_another_organisation_cannot_rescan_nor_learn_of_the_attachment(
    start_intake, clamd_socket
):
    async with start_intake(allow_unscanned_attachments=False) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        held = (await attach(intake.client, app["id"], KIND)).json()
        other_app = await draft(intake.client, call["id"], circular_content(), OTHER_ORG)
        intake.app.state.scanner = ClamdScanner(f"unix:{clamd_socket}", timeout_s=30)
        for app_id, who in ((app["id"], OTHER_ORG), (other_app["id"], OTHER_ORG)):
            refused = await intake.client.post(
                f"{_listing_url(app_id)}/{held['id']}/scan", headers=applicant(who)
            )
            assert refused.status_code == 404, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
        listed = await intake.client.get(_listing_url(app["id"]), headers=applicant())
        assert [a["scan_status"] for a in listed.json()["items"]] == ["unscanned"]


async def test_a_setting_allows_unscanned_attachments_and_they_stay_marked(start_intake):
    async with start_intake(allow_unscanned_attachments=True) as intake:
        call = await open_call(intake.client)
        app = await draft(intake.client, call["id"], circular_content())
        assert (await attach(intake.client, app["id"], KIND)).json()["scan_status"] == "unscanned"
        assert (await submit(intake.client, app["id"])).status_code == 201
        listed = await intake.client.get(_listing_url(app["id"]), headers=applicant())
        assert [i["scan_status"] for i in listed.json()["items"]] == ["unscanned"]
