"""The registry's problem types, and domain errors mapped to HTTP at one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from nic_registry.domain.errors import InvalidPeriod, PeriodConflict
from nic_shared import problems
from nic_shared.problems import Conflict, Problem, UnprocessableContent

OSLO = ZoneInfo("Europe/Oslo")


problems.register_titles(
    {
        "period-overlap": ("Periodene overlapper", "The periods overlap"),
        "organisation-exists": ("Organisasjonen finnes", "The organisation exists"),
        "brreg-disabled": ("Oppslag i Brønnøysund er slått av", "Brønnøysund lookup is off"),
        "brreg-unavailable": ("Brønnøysund svarer ikke", "Brønnøysund is unavailable"),
        "brreg-unknown-organisation": (
            "Organisasjonen finnes ikke i Enhetsregisteret",
            "The organisation is not in Enhetsregisteret",
        ),
        "member-import-invalid": ("Medlemsfilen har feil", "The member file has errors"),
        "evaluation-decided": (
            "Evalueringen er avgjort og kan ikke endres",
            "The evaluation is decided and cannot change",
        ),
        "evaluation-run-concurrent": (
            "En annen evalueringskjøring pågår",
            "Another evaluation run is under way",
        ),
    }
)


class BadGateway(Problem):
    status, slug = 502, "brreg-unavailable"


class LookupOff(Problem):
    status, slug = 503, "brreg-disabled"


def invalid(pointer: str, rule: str, detail: str) -> UnprocessableContent:
    """A 422 naming the field that breaks the rule."""
    return UnprocessableContent(
        f"{pointer.removeprefix('#/')}: {detail}",
        errors=[{"pointer": pointer, "rule": rule, "detail": detail}],
    )


def invalid_parameter(name: str, where: str, rule: str, detail: str) -> UnprocessableContent:
    """A 422 naming the path or query parameter that breaks the rule."""
    return UnprocessableContent(
        f"{name}: {detail}",
        errors=[{"parameter": name, "in": where, "rule": rule, "detail": detail}],
    )


@contextmanager
def period_rules(pointer: str = "#/valid_to") -> Iterator[None]:
    """InvalidPeriod -> 422 at `pointer`; PeriodConflict -> 409 period-overlap."""
    try:
        yield
    except InvalidPeriod as exc:
        raise invalid(pointer, "period_order", str(exc)) from exc
    except PeriodConflict as exc:
        raise Conflict(str(exc), slug="period-overlap") from exc


async def flush(session: AsyncSession) -> None:
    """Flush; a row changed by someone else meanwhile (its version moved) is a 409."""
    try:
        await session.flush()
    except StaleDataError as exc:
        raise Conflict(
            "changed by someone else meanwhile; read it again and retry",
            detail_nb="endret av noen andre i mellomtiden; les på nytt og prøv igjen",
            slug="concurrent-change",
        ) from exc


def oslo_today(now: datetime) -> date:
    """The date in Norway at an instant: the registry's default `as_of`."""
    return now.astimezone(OSLO).date()
