"""Issue 19: every operation of every service (operations included) fuzzed with all of
Schemathesis's checks — positive_data_acceptance and negative_data_rejection too — in
positive and negative mode, as every role (the most examples as the programme officer, who
may read every route, the ops ones included), with a bounded example count and a fixed seed.

An operation with a standing finding is skipped here with the finding as its reason, so
CI runs only what passes; `scripts/schemathesis_findings.py` prints them all, longer.
Remove an operation from FINDINGS when the script no longer lists it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.contract.checks import all_checks
from tests.contract.findings import FINDINGS
from tests.contract.platform import ALL_SERVICES, fuzzing, openapi
from tests.contract.roles import ROLES, excluded

EXAMPLES = int(os.environ.get("NIC_CONTRACT_ALL_CHECKS_EXAMPLES", "3"))
OTHER_ROLES_EXAMPLES = int(os.environ.get("NIC_CONTRACT_ALL_CHECKS_OTHER_EXAMPLES", "1"))
SEED = 19
MAIN_ROLE = "programme_officer"


def operations() -> list[Any]:
    params = []
    for service in ALL_SERVICES:
        for path, item in openapi(service)["paths"].items():
            for method in item:
                label = f"{method.upper()} {path}"
                if excluded(service, label):
                    continue
                marks = []
                if reason := FINDINGS.get(f"{service}:{label}"):
                    marks.append(pytest.mark.skip(reason=f"issue 19 finding: {reason}"))
                params += [
                    pytest.param(
                        role, service, method, path, id=f"{role}-{service}:{label}", marks=marks
                    )
                    for role in ROLES
                ]
    return params


@pytest.mark.parametrize(("role", "service", "method", "path"), operations())
def test_operation_passes_every_check(services, role, service, method, path):
    schema = schemathesis.openapi.from_dict(openapi(service))
    operation = schema[path][method.upper()]
    examples = EXAMPLES if role == MAIN_ROLE else OTHER_ROLES_EXAMPLES
    failures: list[str] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            _fuzzer(operation, services[service].url, ROLES[role], mode, examples)()
        except Unsatisfiable:  # nothing to break (no parameters, no body) in negative mode
            continue
        except BaseException as exc:  # both modes' findings, then fail once
            failures.append(f"{mode.value}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _fuzzer(
    operation: Any, base_url: str, headers: dict[str, str], mode: GenerationMode, examples: int
) -> Any:
    checks = all_checks()

    @fuzzing(SEED, examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)

    return fuzz
