"""Blind review: what a panel member may see of submitted content when identities are hidden.

Pure: takes the content exactly as submitted (the JSON of `ApplicationContent`) and returns a
copy without applicant or partner identities. Partners become "Partner 1", "Partner 2", ... in
the order submitted, and budget lines point at those aliases, so the budget table still adds
up per partner. Free text (title, summary, plan) is the applicant's own words and is kept:
the call's guidance asks applicants not to name themselves there when a call is blind.
"""

from __future__ import annotations

from typing import Any

HIDDEN_KEYS = ("project_owner", "contact_person", "legal_entity", "cluster_id")


def partner_key(partner: dict[str, Any]) -> str:
    """The key budget lines use for a partner: its org number or `CC:foreign-id`."""
    org = partner.get("org_number")
    return str(org) if org else f"{partner.get('foreign_country')}:{partner.get('foreign_id')}"


def redacted(content: dict[str, Any]) -> dict[str, Any]:
    """The content with every identity replaced by an alias (the input is not changed)."""
    out = {k: v for k, v in content.items() if k not in HIDDEN_KEYS}
    for key in HIDDEN_KEYS:
        if key in content:
            out[key] = None
    aliases: dict[str, str] = {}
    partners = []
    for i, partner in enumerate(content.get("partners") or [], start=1):
        alias = f"Partner {i}"
        aliases[partner_key(partner)] = alias
        partners.append(
            {
                "alias": alias,
                "role": partner.get("role"),
                "declared_sme": partner.get("declared_sme"),
                "foreign": not partner.get("org_number"),
            }
        )
    out["partners"] = partners
    out["budget"] = [
        {**line, "partner": aliases.get(str(line.get("partner")), "Partner ?")}
        for line in content.get("budget") or []
    ]
    out["attachments"] = [
        {**a, "filename": f"{a.get('kind', 'attachment')}-{i}"}
        for i, a in enumerate(content.get("attachments") or [], start=1)
    ]
    return out
