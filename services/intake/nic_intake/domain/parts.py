"""The vocabulary of form parts a call can require, and where each part lives in a draft.

A call names its required parts as data (CallPublished.required_parts), so the names form a
closed vocabulary: a typo in a call's configuration must be refused, not silently ignored.
Attachments are open-ended by kind and written ``attachment:<kind>``.
"""

from __future__ import annotations

import re
from typing import Final

ATTACHMENT_PREFIX: Final = "attachment:"
_ATTACHMENT_KIND = re.compile(r"^[a-z][a-z0-9_]*$")

PART_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "title": ("title",),
    "summary": ("summary",),
    "project_period": ("project_start", "project_end"),
    "project_owner": ("project_owner",),
    "partners": ("partners",),
    "contact_person": ("contact_person",),
    "legal_entity": ("legal_entity",),
    "cluster": ("cluster_id",),
    "budget": ("budget",),
    "requested_amount": ("requested_amount_nok",),
    "objectives": ("objectives",),
    "aid_basis": ("aid_basis",),
    "implementation_plan": ("implementation_plan",),
}
"""Part name -> the ApplicationContent fields that must all be present for the part."""


def attachment_part(kind: str) -> str:
    """The part name that requires an attachment of ``kind``."""
    return f"{ATTACHMENT_PREFIX}{kind}"


def attachment_kind(part: str) -> str | None:
    """The attachment kind a part requires, or None when the part is not an attachment."""
    if part.startswith(ATTACHMENT_PREFIX):
        return part[len(ATTACHMENT_PREFIX) :]
    return None


CONFIRMATIONS: Final = "partner_confirmations"
"""Every partner confirms its part before the submit (checked with the consortium's data)."""


def is_known_part(part: str) -> bool:
    """True for a part in the vocabulary or a well-formed ``attachment:<kind>``."""
    kind = attachment_kind(part)
    if kind is not None:
        return bool(_ATTACHMENT_KIND.match(kind))
    return part in PART_FIELDS or part == CONFIRMATIONS
