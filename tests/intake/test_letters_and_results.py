"""Letters by mail through a real SMTP server, a letter page as an image, PDF copies of
submitted versions, and the public results (JSON and CSV) only once published."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from pathlib import Path

import httpx
import pypdf
import pypdfium2

from tests.intake.builders import OFFICER, applicant
from tests.intake.ranked import FEEDBACK, decide_and_approve, ranked_call
from tests.support.smtp import smtp_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split()
    )


async def test_each_applicant_gets_its_letter_as_a_pdf_through_smtp(start_intake):
    with smtp_server() as (inbox, port):
        async with start_intake(
            mail_transport="smtp", smtp_host="127.0.0.1", smtp_port=port
        ) as intake:
            ranked = await ranked_call(intake)
            receipts = len(ranked.apps)
            await decide_and_approve(intake, ranked)
            for _ in range(400):
                if len(inbox.messages) >= receipts + 4:
                    break
                await asyncio.sleep(0.05)
            letter = await intake.client.get(
                f"/v1/applications/{ranked.apps[0]}/decision/letter",
                headers=applicant(ranked.orgs[0]),
            )
    letters = [m for _, m in inbox.messages if m.is_multipart()]
    assert len(letters) == 4
    granted = next(
        m for m in letters if "Vedtak om tilsagn" in m["Subject"] and "Symbiose" in m["Subject"]
    )
    [pdf_part] = [p for p in granted.walk() if p.get_content_type() == "application/pdf"]
    data = pdf_part.get_payload(decode=True)
    assert data == letter.content  # the letter mailed is the letter stored
    assert "1 200 000 kroner" in pdf_text(data)
    assert pdf_part.get_filename().startswith("vedtak-")


async def test_a_letter_page_renders_as_an_image_with_norwegian_letters(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    letter = await intake.client.get(
        f"/v1/applications/{ranked.apps[0]}/decision/letter", headers=applicant(ranked.orgs[0])
    )
    document = pypdfium2.PdfDocument(letter.content)
    image = document[0].render(scale=1.5).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "decision-letter.png")
    width, height = image.size
    assert width > 800
    assert height > width  # A4 portrait
    dark = image.convert("L").histogram()[:128]
    dark = sum(dark)
    assert dark > 5000  # text was drawn, not an empty page
    text = document[0].get_textpage().get_text_range()
    assert FEEDBACK.split(";")[0] in " ".join(text.split())


async def test_applicant_and_officer_download_a_pdf_of_a_submitted_version(intake):
    ranked = await ranked_call(intake)
    app_id, org = ranked.apps[0], ranked.orgs[0]
    receipt = (
        await intake.client.get(f"/v1/applications/{app_id}/receipt", headers=applicant(org))
    ).json()
    for headers in (applicant(org), OFFICER):
        copy = await intake.client.get(f"/v1/applications/{app_id}/versions/1/pdf", headers=headers)
        assert copy.status_code == 200, copy.text
        assert copy.headers["content-type"] == "application/pdf"
        text = pdf_text(copy.content)
        assert receipt["content_sha256"] in text
        assert "Symbiose i Grenland" in text
    other = await intake.client.get(
        f"/v1/applications/{app_id}/versions/1/pdf", headers=applicant(ranked.orgs[1])
    )
    assert other.status_code == 404
    missing = await intake.client.get(f"/v1/applications/{app_id}/versions/2/pdf", headers=OFFICER)
    assert missing.status_code == 404


async def test_results_are_public_only_once_published_and_csv_cells_are_safe(intake):
    ranked = await ranked_call(intake)
    call_id = ranked.call["id"]
    public = httpx.AsyncClient(base_url=str(intake.client.base_url))
    async with public:
        assert (await public.get(f"/v1/public/calls/{call_id}/results")).status_code == 404
        await decide_and_approve(intake, ranked)
        # decided, but not published: still nothing
        assert (await public.get(f"/v1/public/calls/{call_id}/results")).status_code == 404
        assert (await public.get(f"/v1/public/calls/{call_id}/results.csv")).status_code == 404
        applicant_try = await intake.client.post(
            f"/v1/calls/{call_id}/results/publish", headers=applicant(ranked.orgs[0])
        )
        assert applicant_try.status_code == 403
        published = await intake.client.post(
            f"/v1/calls/{call_id}/results/publish", headers=OFFICER
        )
        assert published.status_code == 200, published.text

        listed = await public.get(f"/v1/public/calls/{call_id}/results")
        assert listed.status_code == 200
        assert [(i["project_title"], i["amount_nok"]) for i in listed.json()["items"]] == [
            ("Symbiose i Grenland", 1_200_000),
            ("Circular plastics", 1_200_000),
        ]
        for private in ("kari@example.no", "panel", "reserve", "Slagg til sement"):
            assert private not in listed.text
        sheet = await public.get(f"/v1/public/calls/{call_id}/results.csv")
        assert sheet.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
        assert rows[0] == ["project_title", "owner", "amount_nok"]
        assert len(rows) == 3


async def test_csv_results_neutralise_formulas(intake):
    ranked = await ranked_call(intake)
    call_id = ranked.call["id"]
    # the fourth application (title "=HYPERLINK(...)") is granted by an officer's choice
    put = await intake.client.put(
        f"/v1/applications/{ranked.apps[3]}/decision",
        json={"outcome": "granted", "amount_nok": 100_000, "amount_reason": "Restmidler"},
        headers=OFFICER,
    )
    assert put.status_code == 200, put.text
    from tests.intake.ranked import SECOND_OFFICER

    await intake.client.post(f"/v1/calls/{call_id}/decisions/approve", headers=SECOND_OFFICER)
    assert (
        await intake.client.post(f"/v1/calls/{call_id}/results/publish", headers=OFFICER)
    ).status_code == 200
    sheet = await intake.client.get(f"/v1/public/calls/{call_id}/results.csv")
    titles = [r[0] for r in csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))][1:]
    assert titles == ['\'=HYPERLINK("x")']


async def test_the_letter_hash_is_of_the_stored_bytes(intake):
    ranked = await ranked_call(intake)
    await decide_and_approve(intake, ranked)
    own = applicant(ranked.orgs[3])
    decision = (
        await intake.client.get(f"/v1/applications/{ranked.apps[3]}/decision", headers=own)
    ).json()
    letter = await intake.client.get(
        f"/v1/applications/{ranked.apps[3]}/decision/letter", headers=own
    )
    assert hashlib.sha256(letter.content).hexdigest() == decision["letter_sha256"]
    assert decision["outcome"] == "rejected"
    assert "Vedtak om avslag" in pdf_text(letter.content)
