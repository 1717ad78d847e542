"""The public call pages as plain HTML: no JavaScript, one inline stylesheet (allowed by its
hash in the CSP), every text escaped. Norwegian by default; English with `?lang=en` or an
Accept-Language that prefers it."""

from __future__ import annotations

import base64
import hashlib
from html import escape
from urllib.parse import urlencode

from nic_intake.public.schemas import (
    DocumentOut,
    DocumentVersionOut,
    PublicCallOut,
    PublicCallPage,
    PublicCallSummary,
)
from nic_intake.public.service import nok, oslo_time

CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#1b1b1b;background:#fff}
a{color:#0a4a8f;text-underline-offset:.15em}
a:visited{color:#5b2a86}
a:focus-visible,summary:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#1b1b1b;color:#fff;padding:.5rem 1rem}
.skip:focus{left:0}
header,main,footer{max-width:50rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;
padding-top:.75rem;padding-bottom:.75rem;box-shadow:inset 0 -1px #767676}
header p{margin:0;font-weight:600}
h1{font-size:1.9rem;line-height:1.2;margin:1.5rem 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.35rem;margin:2rem 0 .5rem}
.status{display:inline-block;margin:0 0 1rem;padding:.1rem .6rem;border:2px solid currentColor;
border-radius:.3rem;font-weight:600}
.open{color:#0b5a27}.upcoming{color:#7a4100}.closed{color:#4a4a4a}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1.25rem;margin:0}
dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.25rem 0 .5rem}
th,td{border-bottom:1px solid #767676;padding:.45rem .5rem;text-align:left;vertical-align:top}
thead th{border-bottom-width:2px}
tbody th{font-weight:400}
td.num,th.num{text-align:right;white-space:nowrap}
ul.docs,ul.calls{list-style:none;padding:0;margin:0}
ul.docs>li{padding:.6rem 0;border-bottom:1px solid #d0d0d0}
ul.calls>li{padding:1rem 0;border-bottom:1px solid #d0d0d0}
ul.calls h2{margin:0 0 .4rem;font-size:1.25rem}
.meta{color:#4a4a4a}
details{margin-top:.35rem}
details ul{margin:.35rem 0 0;padding-left:1.25rem}
footer{margin-top:3rem;padding-top:1rem;padding-bottom:2rem;border-top:1px solid #767676}
@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.6rem}
h1{font-size:1.6rem}}
""".strip()

_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_HASH}'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "site": "Klyngeprogrammet – utlysninger",
        "skip": "Hopp til hovedinnholdet",
        "other": "English",
        "calls": "Utlysninger",
        "intro": "Åpne og kommende utlysninger i Klyngeprogrammet.",
        "none": "Ingen utlysninger å vise.",
        "with_closed": "Vis også avsluttede utlysninger",
        "without_closed": "Vis bare åpne og kommende utlysninger",
        "next": "Neste side",
        "upcoming": "Åpner snart",
        "open": "Åpen for søknader",
        "closed": "Avsluttet",
        "terms": "Frister og rammer",
        "opens": "Åpner",
        "deadline": "Søknadsfrist",
        "budget": "Budsjettramme",
        "grant": "Tilskudd per prosjekt",
        "intensity": "Høyeste støtteandel",
        "code": "Utlysningskode",
        "criteria": "Vurderingskriterier",
        "caption": "Kriteriene søknadene vurderes etter, med vekt",
        "criterion": "Kriterium",
        "weight": "Vekt",
        "documents": "Dokumenter",
        "no_documents": "Ingen dokumenter er publisert ennå.",
        "version": "versjon",
        "uploaded": "lastet opp",
        "older": "Tidligere versjoner",
        "json": "Samme innhold som JSON",
        "all": "Alle utlysninger",
        "up_to": "inntil",
    },
    "en": {
        "site": "Norwegian Innovation Clusters – calls",
        "skip": "Skip to main content",
        "other": "Norsk",
        "calls": "Calls for proposals",
        "intro": "Open and upcoming calls of the Norwegian Innovation Clusters programme.",
        "none": "No calls to show.",
        "with_closed": "Show closed calls too",
        "without_closed": "Show only open and upcoming calls",
        "next": "Next page",
        "upcoming": "Opens soon",
        "open": "Open for applications",
        "closed": "Closed",
        "terms": "Deadlines and terms",
        "opens": "Opens",
        "deadline": "Deadline",
        "budget": "Budget frame",
        "grant": "Grant per project",
        "intensity": "Maximum aid intensity",
        "code": "Call code",
        "criteria": "Assessment criteria",
        "caption": "The criteria applications are assessed on, with their weights",
        "criterion": "Criterion",
        "weight": "Weight",
        "documents": "Documents",
        "no_documents": "No documents have been published yet.",
        "version": "version",
        "uploaded": "uploaded",
        "older": "Earlier versions",
        "json": "The same as JSON",
        "all": "All calls",
        "up_to": "up to",
    },
}

FILE_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "text/plain": "TXT",
    "text/csv": "CSV",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}


def e(text: object) -> str:
    return escape(str(text), quote=True)


def size(n: int, lang: str) -> str:
    if n < 1000:
        return f"{n} {'byte' if lang == 'nb' else 'bytes'}"
    if n < 1_000_000:
        return f"{round(n / 1000)} kB"
    text = f"{n / 1_000_000:.1f}"
    return f"{text.replace('.', ',') if lang == 'nb' else text} MB"


def _page(lang: str, title: str, body: str, other_href: str) -> str:
    t = TEXT[lang]
    other = "en" if lang == "nb" else "nb"
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'  # no favicon request, no 404
        f"<title>{e(title)} – {e(t['site'])}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#main">{e(t["skip"])}</a>\n'
        f'<header>\n<p><a href="/calls?lang={lang}">{e(t["site"])}</a></p>\n'
        f'<nav aria-label="{"Språk" if lang == "nb" else "Language"}">'
        f'<a href="{e(other_href)}" hreflang="{other}" lang="{other}">{e(t["other"])}</a></nav>\n'
        f'</header>\n<main id="main">\n{body}</main>\n</body>\n</html>\n'
    )


def _time(instant_text: str, iso: str) -> str:
    return f'<time datetime="{e(iso)}">{e(instant_text)}</time>'


def _summary_terms(call: PublicCallSummary, lang: str) -> str:
    t = TEXT[lang]
    return (
        f"<dt>{e(t['opens'])}</dt><dd>{_time(getattr(call.opens_at.text, lang), call.opens_at.oslo)}</dd>\n"
        f"<dt>{e(t['deadline'])}</dt>"
        f"<dd>{_time(getattr(call.deadline.text, lang), call.deadline.oslo)}</dd>\n"
        f"<dt>{e(t['budget'])}</dt><dd>{e(nok(call.budget_frame_nok, lang))}</dd>\n"
    )


def listing_page(page: PublicCallPage, lang: str, *, include_closed: bool) -> str:
    t = TEXT[lang]
    items = []
    for call in page.items:
        items.append(
            f'<li>\n<h2><a href="/calls/{call.id}?lang={lang}">{e(getattr(call.title, lang))}</a>'
            f'</h2>\n<p class="status {call.status.value}">{e(t[call.status.value])}</p>\n'
            f"<dl>\n{_summary_terms(call, lang)}</dl>\n</li>\n"
        )
    body = f"<h1>{e(t['calls'])}</h1>\n<p>{e(t['intro'])}</p>\n"
    body += f'<ul class="calls">\n{"".join(items)}</ul>\n' if items else f"<p>{e(t['none'])}</p>\n"
    nav = []
    if page.next_cursor:
        query = {"lang": lang, "cursor": page.next_cursor}
        if include_closed:
            query["include"] = "closed"
        nav.append(f'<a href="/calls?{e(urlencode(query))}" rel="next">{e(t["next"])}</a>')
    toggle = {"lang": lang} if include_closed else {"lang": lang, "include": "closed"}
    label = t["without_closed"] if include_closed else t["with_closed"]
    nav.append(f'<a href="/calls?{e(urlencode(toggle))}">{e(label)}</a>')
    body += "".join(f"<p>{link}</p>\n" for link in nav)
    other = {"lang": "en" if lang == "nb" else "nb"}
    if include_closed:
        other["include"] = "closed"
    return _page(lang, t["calls"], body, f"/calls?{urlencode(other)}")


def _doc_meta(v: DocumentVersionOut, lang: str) -> str:
    t = TEXT[lang]
    kind = FILE_TYPES.get(v.content_type, v.content_type)
    uploaded = oslo_time(v.uploaded_at)
    day = getattr(uploaded.text, lang).split(" kl. ")[0].split(" at ")[0]
    return (
        f"{e(kind)}, {e(size(v.size_bytes, lang))}, {e(t['version'])} {v.version}, "
        f"{e(t['uploaded'])} {_time(day, uploaded.oslo)}"
    )


def _document(doc: DocumentOut, lang: str) -> str:
    t = TEXT[lang]
    latest = doc.latest
    label = getattr(doc.label, lang)
    out = (
        f'<li><a href="{e(latest.download_url)}" type="{e(latest.content_type)}">{e(label)}</a>'
        f' <span class="meta">({_doc_meta(latest, lang)}; {e(latest.filename)})</span>'
    )
    older = doc.versions[1:]
    if older:
        out += f"\n<details><summary>{e(t['older'])}</summary><ul>\n"
        for v in older:
            out += (
                f'<li><a href="{e(v.download_url)}" type="{e(v.content_type)}">'
                f"{e(label)}, {e(t['version'])} {v.version}</a> "
                f'<span class="meta">({_doc_meta(v, lang)})</span></li>\n'
            )
        out += "</ul></details>"
    return out + "</li>\n"


def call_page(call: PublicCallOut, lang: str) -> str:
    t = TEXT[lang]
    title = getattr(call.title, lang)
    paragraphs = [p.strip() for p in getattr(call.description, lang).split("\n") if p.strip()]
    body = f"<h1>{e(title)}</h1>\n"
    body += f'<p class="status {call.status.value}">{e(t[call.status.value])}</p>\n'
    body += "".join(f"<p>{e(p)}</p>\n" for p in paragraphs)
    terms = _summary_terms(call, lang)
    if call.grant_max_nok is not None:
        low = f"{nok(call.grant_min_nok, lang)} – " if call.grant_min_nok else f"{t['up_to']} "
        terms += f"<dt>{e(t['grant'])}</dt><dd>{e(low + nok(call.grant_max_nok, lang))}</dd>\n"
    terms += f"<dt>{e(t['intensity'])}</dt><dd>{call.max_aid_intensity_percent}{chr(0xA0)}%</dd>\n"
    terms += f"<dt>{e(t['code'])}</dt><dd>{e(call.code)}</dd>\n"
    body += f"<h2>{e(t['terms'])}</h2>\n<dl>\n{terms}</dl>\n"
    rows = "".join(
        f'<tr><th scope="row">{e(getattr(c.name, lang))}</th>'
        f'<td class="num">{c.weight_percent}{chr(0xA0)}%</td></tr>\n'
        for c in call.criteria
    )
    body += (
        f"<h2>{e(t['criteria'])}</h2>\n<table>\n<caption>{e(t['caption'])}</caption>\n"
        f'<thead><tr><th scope="col">{e(t["criterion"])}</th>'
        f'<th scope="col" class="num">{e(t["weight"])}</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody>\n</table>\n"
    )
    body += f"<h2>{e(t['documents'])}</h2>\n"
    if call.documents:
        body += f'<ul class="docs">\n{"".join(_document(d, lang) for d in call.documents)}</ul>\n'
    else:
        body += f"<p>{e(t['no_documents'])}</p>\n"
    body += (
        f'<p><a href="/calls?lang={lang}">{e(t["all"])}</a> · '
        f'<a href="{e(call.url)}" type="application/json">{e(t["json"])}</a></p>\n'
    )
    other = "en" if lang == "nb" else "nb"
    return _page(lang, title, body, f"/calls/{call.id}?lang={other}")
