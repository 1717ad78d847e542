"""Issue 19's standing findings for the programme officer: "service:METHOD /path" -> why.

tests/contract/test_schemathesis_all_checks.py skips these, with the reason, and runs every
other operation with all of Schemathesis's checks; `scripts/schemathesis_findings.py`
prints them all, for every role. Remove a line with the fix that makes the script stop
listing it.
"""

from __future__ import annotations

FINDINGS: dict[str, str] = {}
