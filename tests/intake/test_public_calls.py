"""Public call pages (issue 15 item 1): published calls, open or upcoming, with their texts,
dates in Oslo time, budget frame, criteria and versioned documents, as JSON and HTML, with
no token; officers upload the documents; bad uploads are problems naming the field and
store nothing."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from nic_intake.models import Base
from tests.intake.builders import OFFICER, applicant, open_call, scalar

PDF = "application/pdf"


async def draft_call(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {
        "code": f"D-{uuid.uuid4().hex[:8].upper()}",
        "scheme": "circular_value_chains",
        "title": {"nb": "Utkast", "en": "Draft"},
        "description": {"nb": "Ikke publisert", "en": "Not published"},
        "opens_at_local": "2026-01-05T09:00:00",
        "deadline_local": "2026-12-15T16:00:00",
        "budget_frame_nok": 25_000_000,
        **fields,
    }
    created = await client.post("/v1/calls", json=body, headers=OFFICER)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def upload(
    client: httpx.AsyncClient,
    call_id: str,
    kind: str = "application_template",
    data: bytes | Any = b"%PDF-1.7 mal",
    *,
    filename: str = "soknadsmal.pdf",
    content_type: str = PDF,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/calls/{call_id}/documents",
        params={"kind": kind, "filename": filename},
        content=data,
        headers={**(OFFICER if headers is None else headers), "Content-Type": content_type},
    )


async def test_published_open_and_upcoming_calls_are_public_drafts_and_closed_are_not(intake):
    client = intake.client  # 2026-03-01 12:00 UTC
    open_ = await open_call(client, deadline_local="2026-12-15T16:00:00")
    upcoming = await open_call(
        client, opens_local="2026-06-01T09:00:00", deadline_local="2026-09-15T16:00:00"
    )
    closed = await open_call(
        client, opens_local="2025-10-01T09:00:00", deadline_local="2026-02-01T16:00:00"
    )
    draft = await draft_call(client)

    listed = await client.get("/v1/public/calls")  # no token
    assert listed.status_code == 200, listed.text
    assert listed.headers["cache-control"].startswith("public")
    items = listed.json()["items"]
    assert [c["id"] for c in items] == [upcoming["id"], open_["id"]]  # nearest deadline first
    assert [c["status"] for c in items] == ["upcoming", "open"]
    with_closed = await client.get("/v1/public/calls", params={"include": "closed"})
    assert [c["id"] for c in with_closed.json()["items"]] == [
        closed["id"],
        upcoming["id"],
        open_["id"],
    ]
    assert draft["id"] not in with_closed.text

    detail = await client.get(f"/v1/public/calls/{open_['id']}")
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["title"] == {"nb": "Utlysning", "en": "Call"}
    assert body["description"] == {"nb": "Beskrivelse", "en": "Description"}
    assert body["deadline"]["oslo"] == "2026-12-15T16:00:00+01:00"
    assert body["deadline"]["utc"] == "2026-12-15T15:00:00Z"
    assert body["deadline"]["text"]["nb"] == "15. desember 2026 kl. 16:00 (norsk tid)"
    assert body["deadline"]["text"]["en"] == (
        "15 December 2026 at 16:00 (Norwegian time, UTC+01:00)"
    )
    assert body["budget_frame_nok"] == 25_000_000
    assert body["criteria"]
    assert sum(c["weight_percent"] for c in body["criteria"]) == 100
    assert all(c["name"]["nb"] and c["name"]["en"] for c in body["criteria"])
    assert body["documents"] == []
    summer = (await client.get(f"/v1/public/calls/{upcoming['id']}")).json()
    assert summer["opens_at"]["oslo"] == "2026-06-01T09:00:00+02:00"  # summer time

    for path in (f"/v1/public/calls/{draft['id']}", f"/calls/{draft['id']}"):
        hidden = await client.get(path)
        assert hidden.status_code == 404
        assert hidden.json()["type"] == "urn:nic:problem:not-found"
    assert (await client.get(f"/v1/public/calls/{uuid.uuid4()}")).status_code == 404


async def test_paging_with_a_cursor(intake):
    ids = [
        (await open_call(intake.client, deadline_local=f"2026-1{m}-01T16:00:00"))["id"]
        for m in (0, 1, 2)
    ]
    first = (await intake.client.get("/v1/public/calls", params={"limit": 2})).json()
    assert [c["id"] for c in first["items"]] == ids[:2]
    second = await intake.client.get(
        "/v1/public/calls", params={"limit": 2, "cursor": first["next_cursor"]}
    )
    assert [c["id"] for c in second.json()["items"]] == ids[2:]
    assert second.json()["next_cursor"] is None
    for bad in ("not-a-cursor", "WyJ4Il0="):  # garbage; a list of the wrong shape
        refused = await intake.client.get("/v1/public/calls", params={"cursor": bad})
        assert refused.status_code == 400
        assert refused.json()["type"] == "urn:nic:problem:invalid-cursor"


async def test_documents_are_versioned_and_downloadable_without_a_token(intake):
    call = await draft_call(intake.client)
    v1 = b"%PDF-1.7 first " + bytes(range(256)) * 50
    v2 = b"%PDF-1.7 second " + bytes(range(256)) * 60
    budget = b"PK\x03\x04 budsjett"
    first = await upload(intake.client, call["id"], data=v1)
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    assert first.json()["sha256"] == hashlib.sha256(v1).hexdigest()
    second = await upload(intake.client, call["id"], data=v2, filename="../søknadsmal v2.pdf")
    assert second.json()["version"] == 2
    assert second.json()["filename"] == "søknadsmal v2.pdf"  # no path
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    third = await upload(
        intake.client, call["id"], "budget_template", budget, filename="b.xlsx", content_type=xlsx
    )
    assert third.json()["version"] == 1

    # a draft call's documents: the officer sees them, the public does not
    officer_view = await intake.client.get(f"/v1/calls/{call['id']}/documents", headers=OFFICER)
    assert [d["kind"] for d in officer_view.json()["documents"]] == [
        "application_template",
        "budget_template",
    ]
    got = await intake.client.get(
        f"/v1/calls/{call['id']}/documents/{first.json()['id']}", headers=OFFICER
    )
    assert got.content == v1
    assert (await intake.client.get(first.json()["download_url"])).status_code == 404
    published = await intake.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER)
    assert published.status_code == 200

    docs = (await intake.client.get(f"/v1/public/calls/{call['id']}")).json()["documents"]
    template, budget_doc = docs
    assert template["label"] == {"nb": "Søknadsmal", "en": "Application template"}
    assert template["latest"]["id"] == second.json()["id"]
    assert [v["version"] for v in template["versions"]] == [2, 1]
    assert budget_doc["latest"]["content_type"] == xlsx
    for meta, data in ((first.json(), v1), (second.json(), v2), (third.json(), budget)):
        down = await intake.client.get(meta["download_url"])  # no token
        assert down.status_code == 200
        assert down.content == data
        assert down.headers["content-type"].startswith(meta["content_type"])
        assert down.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
        assert down.headers["x-content-type-options"] == "nosniff"
        assert down.headers["cache-control"] == "public, max-age=300"
        assert down.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
        again = await intake.client.get(
            meta["download_url"], headers={"If-None-Match": down.headers["etag"]}
        )
        assert again.status_code == 304
    elsewhere = await intake.client.get(
        f"/v1/public/calls/{(await open_call(intake.client))['id']}/documents/{first.json()['id']}"
    )
    assert elsewhere.status_code == 404  # a document belongs to its own call


async def test_only_an_officer_uploads(intake):
    call = await open_call(intake.client)
    as_applicant = await upload(intake.client, call["id"], headers=applicant())
    assert as_applicant.status_code == 403
    no_token = await upload(intake.client, call["id"], headers={})
    assert no_token.status_code == 401
    listing = await intake.client.get(f"/v1/calls/{call['id']}/documents", headers=applicant())
    assert listing.status_code == 403
    unknown = await upload(intake.client, str(uuid.uuid4()))
    assert unknown.status_code == 404
    assert await scalar(intake.database_url, "SELECT count(*) FROM call_documents") == 0


async def test_bad_uploads_name_the_field_and_store_nothing(start_intake):
    async with start_intake(attachment_max_bytes=1000) as intake:
        call = await open_call(intake.client)
        assert (await upload(intake.client, call["id"], data=b"%PDF ok")).status_code == 201
        before = (await intake.client.get(f"/v1/public/calls/{call['id']}")).json()

        kind = await upload(intake.client, call["id"], "cover_letter")
        assert kind.status_code == 422
        assert kind.headers["content-type"] == "application/problem+json"
        assert [(e["parameter"], e["in"]) for e in kind.json()["errors"]] == [("kind", "query")]
        for name in ("", "   "):
            empty = await upload(intake.client, call["id"], filename=name)
            assert empty.status_code == 422
            assert [e["parameter"] for e in empty.json()["errors"]] == ["filename"]
        exe = await upload(
            intake.client, call["id"], data=b"MZ", content_type="application/x-msdownload"
        )
        assert exe.status_code == 415
        assert exe.json()["type"] == "urn:nic:problem:call-document-type-refused"
        assert exe.json()["errors"][0]["parameter"] == "Content-Type"
        big = await upload(intake.client, call["id"], data=b"x" * 1001)
        assert big.status_code == 413
        assert big.json()["errors"][0] == {
            "field": "body",
            "rule": "max-size",
            "detail": "at most 1000 bytes",
        }

        async def chunks():  # no Content-Length: the limit holds while streaming
            for _ in range(5):
                yield b"y" * 300

        streamed = await upload(intake.client, call["id"], data=chunks())
        assert streamed.status_code == 413
        nothing = await upload(intake.client, call["id"], data=b"")
        assert nothing.status_code == 422
        assert nothing.json()["type"] == "urn:nic:problem:call-document-empty"
        assert nothing.json()["errors"][0]["field"] == "body"

        after = (await intake.client.get(f"/v1/public/calls/{call['id']}")).json()
        assert after == before
        assert await scalar(intake.database_url, "SELECT count(*) FROM call_documents") == 1
        files = list((intake.data_dir / "attachments").iterdir())
        assert len(files) == 1  # the refused uploads left no bytes behind


async def test_the_html_pages_escape_everything_and_carry_a_csp(intake):
    hostile = "<script>alert(1)</script> & «sirkulær»"
    call = await draft_call(
        intake.client,
        title={"nb": hostile, "en": "Hostile <b>title</b>"},
        description={"nb": "Første avsnitt.\nAndre <img src=x onerror=alert(1)>", "en": "E"},
    )
    await intake.client.post(f"/v1/calls/{call['id']}/publish", headers=OFFICER)
    await upload(intake.client, call["id"], "guide", filename='"><script>x</script>.pdf')

    page = await intake.client.get(f"/calls/{call['id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "style-src 'sha256-" in csp
    text = page.text
    assert '<html lang="nb">' in text
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «sirkulær»" in text
    assert "<p>Første avsnitt.</p>" in text
    assert "15. desember 2026 kl. 16:00 (norsk tid)" in text
    assert "25\u202f000\u202f000\u202fkr" in text
    assert text.count("<h1>") == 1

    english = await intake.client.get(f"/calls/{call['id']}", params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "Hostile &lt;b&gt;title&lt;/b&gt;" in english.text
    assert "NOK 25,000,000" in english.text
    by_header = await intake.client.get(
        f"/calls/{call['id']}", headers={"Accept-Language": "en-GB,en;q=0.8"}
    )
    assert '<html lang="en">' in by_header.text
    listing = await intake.client.get("/calls")
    assert listing.status_code == 200
    assert f'href="/calls/{call["id"]}?lang=nb"' in listing.text
    assert "<script" not in listing.text
    bad_lang = await intake.client.get("/calls", params={"lang": "de"})
    assert bad_lang.status_code == 422
    assert bad_lang.json()["errors"][0]["parameter"] == "lang"


async def test_the_migration_matches_the_model(intake):
    engine = create_async_engine(intake.database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert [d for d in diff if "call_documents" in repr(d)] == []
