"""Short-lived signed links: one party signs a scoped grant, another verifies it without a call.

Scoring signs "reader R may fetch attachment A of application version V until T"; intake
verifies it with the same secret (HMAC-SHA256) and serves the bytes. The grant is in the
query string, so the route needs no bearer token; expiry keeps a leaked link short-lived.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


class InvalidLink(ValueError):
    """The link's signature does not match, or it has expired; `rule` names which."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


@dataclass(frozen=True)
class LinkGrant:
    """What a link allows: one attachment of one submitted version, to one reader, until `expires`."""

    application_id: str
    version: int
    attachment_id: str
    reader: str
    expires: int  # unix seconds

    def _message(self) -> bytes:
        parts = (self.application_id, str(self.version), self.attachment_id, self.reader)
        return "\n".join((*parts, str(self.expires))).encode()


def sign(grant: LinkGrant, secret: str) -> str:
    """The hex HMAC-SHA256 of the grant; goes into the link as `sig`."""
    return hmac.new(secret.encode(), grant._message(), hashlib.sha256).hexdigest()


def verify(grant: LinkGrant, signature: str, secret: str, *, now: datetime) -> None:
    """Raise InvalidLink unless the signature matches and `now` is before the expiry."""
    if not hmac.compare_digest(sign(grant, secret), signature):
        raise InvalidLink("signature")
    if now.timestamp() >= grant.expires:
        raise InvalidLink("expired")
