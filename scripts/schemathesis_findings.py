"""Schemathesis with all its checks against every service (issue 19): the longer run.

    .venv/bin/python scripts/schemathesis_findings.py [--examples 8] [--seed 19]
        [--roles programme_officer,applicant] [--services intake,operations]
        [--modes positive,negative] [--token JWT] [--url registry=http://127.0.0.1:8004]

Starts its own broker and the services on SQLite under a temporary folder (or fuzzes the
already running ones given with --url), runs every operation's generated examples as each
role, and prints each finding once per (service, operation, check, status, problem type)
with how many examples hit it and one request to reproduce it. The last line is the total;
the exit code is 1 when there is any finding. The checks are tests/contract/checks.py's:
all of Schemathesis's, with the documented refusals JSON Schema cannot express let through. Unlike tests/contract/test_schemathesis.py it
keeps going past the first failure of an operation, so the counts say how much is wrong.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.core.failures import Failure, FailureGroup  # noqa: E402

from tests.contract.checks import all_checks, problem_type  # noqa: E402
from tests.contract.platform import ALL_SERVICES, fuzzing, running  # noqa: E402
from tests.contract.roles import ROLES, excluded  # noqa: E402
from tests.support.broker import Broker  # noqa: E402

Key = tuple[str, str, str, str, str]
"""(service, operation, check failure title, status, problem type)."""


def fuzz_operation(
    operation: Any,
    base_url: str,
    headers: dict[str, str],
    mode: GenerationMode,
    *,
    examples: int,
    fixed_seed: int,
    checks: list[Callable[..., Any]],
    record: Callable[[Key, str], None],
    service: str,
) -> None:
    """Every example of one operation in one mode, each failure recorded, none raised."""
    label = f"{operation.method.upper()} {operation.path}"

    @fuzzing(fixed_seed, examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Failure, FailureGroup) as exc:
            failures = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
            for failure in failures:
                key = (service, label, failure.title, str(response.status_code), _type(response))
                record(key, case.as_curl_command(headers=headers))

    try:
        run()
    except Unsatisfiable:  # nothing to generate (no parameters to break in negative mode)
        return
    except Exception as exc:  # unable to generate, or a transport error: a finding too
        record((service, label, type(exc).__name__, "-", str(exc)[:120]), "")


def _type(response: Any) -> str:
    """The problem's type slug, with the rules its errors name (`validation-error:too-long`)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    slug = problem_type(response)
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    rules = sorted({str(e.get("rule")) for e in errors if isinstance(e, dict) and e.get("rule")})
    return ":".join([slug, *rules[:3]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--roles", default="programme_officer")
    parser.add_argument("--services", default=",".join(ALL_SERVICES))
    parser.add_argument("--modes", default="positive,negative")
    parser.add_argument("--token", help="a bearer token to use instead of the roles' own")
    parser.add_argument("--url", action="append", default=[], help="service=base URL")
    args = parser.parse_args(argv)
    names = args.services.split(",")
    modes = [GenerationMode(m) for m in args.modes.split(",")]
    roles = {r: ROLES[r] for r in args.roles.split(",")}
    if args.token:
        roles = {"token": {"Authorization": f"Bearer {args.token}"}}
    checks = all_checks()
    counts: Counter[Key] = Counter()
    sample: dict[Key, str] = {}

    def record(key: Key, curl: str) -> None:
        counts[key] += 1
        sample.setdefault(key, curl)

    started = time.monotonic()
    given_urls = dict(u.split("=", 1) for u in args.url)
    if given_urls:
        fuzz_all(given_urls, names, roles, modes, args, checks, record)
    else:
        broker = Broker().start()
        try:
            with (
                tempfile.TemporaryDirectory() as folder,
                running(broker.bootstrap, Path(folder), names) as processes,
            ):
                urls = {n: p.url for n, p in processes.items()}
                fuzz_all(urls, names, roles, modes, args, checks, record)
        finally:
            broker.stop()
    for key in sorted(counts):
        service, label, title, status, problem = key
        print(f"{service:12} {label:60} {status:>4} {problem or '-':24} {title} x{counts[key]}")
        if sample[key]:
            print(f"    {sample[key][:400]}")
    total = sum(counts.values())
    print(
        f"{total} failing examples in {len(counts)} findings over "
        f"{len({k[:2] for k in counts})} operations ({time.monotonic() - started:.0f}s)"
    )
    return 1 if total else 0


def fuzz_all(
    urls: dict[str, str],
    names: list[str],
    roles: dict[str, dict[str, str]],
    modes: list[GenerationMode],
    args: argparse.Namespace,
    checks: list[Callable[..., Any]],
    record: Callable[[Key, str], None],
) -> None:
    """Every operation of each named service, in each mode, as each role."""
    for service in names:
        schema = schemathesis.openapi.from_url(f"{urls[service]}/openapi.json")
        for result in schema.get_all_operations():
            operation = result.ok()
            label = f"{operation.method.upper()} {operation.path}"
            if excluded(service, label):
                continue
            for headers in roles.values():
                for mode in modes:
                    fuzz_operation(
                        operation,
                        urls[service],
                        headers,
                        mode,
                        examples=args.examples,
                        fixed_seed=args.seed,
                        checks=checks,
                        record=record,
                        service=service,
                    )


if __name__ == "__main__":
    raise SystemExit(main())
