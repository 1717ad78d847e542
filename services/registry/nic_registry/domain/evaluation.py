"""The annual evaluation of a cluster: facts at a date, the seeds' checklist, expiry warnings.

Each cluster is evaluated every year, "whether it develops in line with its strategy and goals
and whether it meets the requirements to be part of the programme" (seed 001). What those
requirements are comes from seed 002: levels with their terms (Arena up to 3 years, Arena Pro
5), companies in the driver's seat of a broad resource base, the five-point model, activity
across the four development areas, ESCA gold and all five actor types for the NCE brand, and
mature qualification renewed every year with ongoing activity. Thresholds the seeds do not
give are constants here, named as the programme's own reading (docs/evaluations.md).
Pure: no HTTP, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from nic_registry.domain.admissions import LEVEL_TERM_YEARS
from nic_registry.domain.annual_report import (
    Activity,
    ActivityType,
    FivePointCoverage,
    five_point_coverage,
)
from nic_registry.domain.clusters import ClusterHistory, EscaGrade, LevelPeriod
from nic_registry.domain.memberships import Membership
from nic_registry.domain.periods import Period, years_from
from nic_shared.contracts.registry_facts import ActorType, ClusterLevel

DEVELOPMENT_AREAS = tuple(t for t in ActivityType if t is not ActivityType.OPERATIONS)
"""The four areas of collaborative development activity (seed 002)."""
COMPANY_TYPES = frozenset({ActorType.ESTABLISHED_COMPANY, ActorType.STARTUP})
MIN_DEVELOPMENT_AREAS = 2
"""Below this many of the four areas with activity in the year: warn (our reading, not 002)."""


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Outcome(StrEnum):
    CONTINUE = "continue"
    WARNING = "warning"
    EXIT = "exit"


class Criterion(StrEnum):
    MEMBER_BASE = "member_base"
    FIVE_POINT = "five_point"
    DEVELOPMENT_ACTIVITY = "development_activity"
    LEVEL_CAP = "level_cap"
    ESCA_LABEL = "esca_label"
    MATURE_RENEWAL = "mature_renewal"


class ExpiryKind(StrEnum):
    LEVEL_PERIOD = "level_period"
    ESCA_LABEL = "esca_label"
    MATURE_QUALIFICATION = "mature_qualification"


@dataclass(frozen=True, slots=True)
class LevelFacts:
    """The level period covering the date, the run of same-level periods it ends, its cap."""

    level: ClusterLevel
    valid_from: date
    valid_to: date | None
    run_start: date
    cap_years: int | None
    cap_ends_on: date | None
    year_of_term: int
    days_used: int

    @property
    def ends_on(self) -> date | None:
        """When the period runs out: its end, or the cap's end when it has none."""
        return self.valid_to if self.valid_to is not None else self.cap_ends_on


@dataclass(frozen=True, slots=True)
class EscaFacts:
    grade: EscaGrade
    valid_until: date


@dataclass(frozen=True, slots=True)
class MatureFacts:
    qualified: bool
    qualified_until: date | None
    """The last day of the qualification covering the date (or of the one that lapsed)."""


@dataclass(frozen=True, slots=True)
class EvaluationFacts:
    as_of: date
    activities_from: date
    members_by_actor_type: dict[ActorType, int]
    members_total: int
    five_point: FivePointCoverage
    activities_by_area: dict[ActivityType, int]
    level: LevelFacts | None
    nce_brand: bool
    esca: EscaFacts | None
    mature: MatureFacts | None

    @property
    def companies(self) -> int:
        return sum(n for a, n in self.members_by_actor_type.items() if a in COMPANY_TYPES)

    @property
    def development_areas_active(self) -> int:
        return sum(1 for a in DEVELOPMENT_AREAS if self.activities_by_area.get(a, 0) > 0)

    @property
    def nce_requirements_apply(self) -> bool:
        """NCE brand holders and mature clusters must meet the NCE criteria (002)."""
        return self.nce_brand or (self.mature is not None and self.mature.qualified)


@dataclass(frozen=True, slots=True)
class CheckItem:
    criterion: Criterion
    verdict: Verdict
    figure: str
    text_nb: str
    text_en: str


@dataclass(frozen=True, slots=True)
class ExpiryWarning:
    kind: ExpiryKind
    expires_on: date
    days_left: int
    detail: str


def evaluation_window(year: int, today: date) -> date:
    """The evaluation's date: 31 December of the year, or today if that is earlier."""
    return min(date(year, 12, 31), today)


def twelve_months_to(as_of: date) -> date:
    """The first day of the twelve months ending on `as_of` (1 January for 31 December)."""
    try:
        year_before = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February: the year before has none
        year_before = date(as_of.year - 1, 2, 28)
    return year_before + timedelta(days=1)


def in_programme(history: ClusterHistory, first: date, last: date) -> bool:
    """A level, NCE or mature period shares a day with [first, last]."""
    window = Period(first, last)
    periods = [lp.period for lp in history.levels] + list(history.nce) + list(history.mature)
    return any(p.overlaps(window) for p in periods)


def evaluation_facts(
    history: ClusterHistory,
    memberships: Iterable[Membership],
    activities: Iterable[Activity],
    as_of: date,
) -> EvaluationFacts:
    """The cluster as it stood on `as_of`; activities over the twelve months up to it."""
    first = twelve_months_to(as_of)
    own = [m for m in memberships if m.cluster_id == history.cluster_id and m.member_at(as_of)]
    by_type = {a: len({m.organisation_key for m in own if m.actor_type is a}) for a in ActorType}
    by_area = dict.fromkeys(ActivityType, 0)
    for a in activities:
        if a.cluster_id == history.cluster_id and first <= a.activity_date <= as_of:
            by_area[a.activity_type] += 1
    return EvaluationFacts(
        as_of=as_of,
        activities_from=first,
        members_by_actor_type=by_type,
        members_total=len({m.organisation_key for m in own}),
        five_point=five_point_coverage(m.actor_type for m in own),
        activities_by_area=by_area,
        level=level_facts(history.levels, as_of),
        nce_brand=history.nce_brand_at(as_of),
        esca=esca_facts(history, as_of),
        mature=mature_facts(history.mature, first, as_of),
    )


def level_facts(levels: Iterable[LevelPeriod], as_of: date) -> LevelFacts | None:
    """The level covering `as_of`, counted from the start of its unbroken run at that level."""
    ordered = sorted(levels, key=lambda lp: lp.period.valid_from)
    current = next((lp for lp in ordered if lp.period.covers(as_of)), None)
    if current is None:
        return None
    start = current.period.valid_from
    for lp in reversed(ordered):
        end = lp.period.valid_to
        if lp.level is current.level and end is not None and end + timedelta(days=1) == start:
            start = lp.period.valid_from
    cap = LEVEL_TERM_YEARS.get(current.level)
    return LevelFacts(
        level=current.level,
        valid_from=current.period.valid_from,
        valid_to=current.period.valid_to,
        run_start=start,
        cap_years=cap,
        cap_ends_on=years_from(start, cap) if cap is not None else None,
        year_of_term=_anniversaries(start, as_of) + 1,
        days_used=(as_of - start).days + 1,
    )


def esca_facts(history: ClusterHistory, as_of: date) -> EscaFacts | None:
    """The best grade valid on `as_of` and the last day a label of that grade covers."""
    grade = history.esca_label_at(as_of)
    if grade is None:
        return None
    until = max(e.valid_until for e in history.esca if e.grade is grade and e.valid_at(as_of))
    return EscaFacts(grade, until)


def mature_facts(periods: Iterable[Period], first: date, as_of: date) -> MatureFacts | None:
    """Mature qualification on `as_of`; None when the cluster held none in [first, as_of]."""
    window = Period(first, as_of)
    held = sorted((p for p in periods if p.overlaps(window)), key=lambda p: p.valid_from)
    if not held:
        return None
    current = next((p for p in held if p.covers(as_of)), None)
    if current is not None:
        return MatureFacts(True, _renewed_until(held, current))
    return MatureFacts(False, held[-1].valid_to)


def checklist(facts: EvaluationFacts, lead_days: int) -> tuple[CheckItem, ...]:
    """The seed's criteria that apply to this cluster, each with its verdict and figure."""
    items = [_member_base(facts), _five_point(facts), _development_activity(facts)]
    if facts.level is not None:
        items.append(_level_cap(facts.level, facts.as_of, lead_days))
    if facts.esca is not None or facts.nce_requirements_apply:
        items.append(_esca(facts, lead_days))
    if facts.mature is not None:
        items.append(_mature(facts.mature, facts.as_of, lead_days))
    return tuple(items)


def suggested_outcome(verdicts: Iterable[Verdict]) -> Outcome:
    """A failed criterion suggests a warning; the officer decides, exit included."""
    return Outcome.WARNING if Verdict.FAIL in set(verdicts) else Outcome.CONTINUE


def effective_verdicts(
    items: Iterable[CheckItem], overrides: Mapping[Criterion, Verdict]
) -> dict[Criterion, Verdict]:
    """Each criterion's verdict, the officer's override where there is one."""
    return {i.criterion: overrides.get(i.criterion, i.verdict) for i in items}


def expiry_warnings(history: ClusterHistory, as_of: date, lead_days: int) -> list[ExpiryWarning]:
    """What runs out within `lead_days` after `as_of` and is not continued the next day."""
    last = as_of + timedelta(days=lead_days)
    found: list[ExpiryWarning] = []
    level = level_facts(history.levels, as_of)
    if level is not None and level.ends_on is not None:
        end = min(level.ends_on, level.cap_ends_on or level.ends_on)
        next_day = end + timedelta(days=1)
        continued = any(lp.period.valid_from == next_day for lp in history.levels)
        if as_of <= end <= last and not (continued and end == level.ends_on):
            found.append(
                ExpiryWarning(
                    ExpiryKind.LEVEL_PERIOD,
                    end,
                    (end - as_of).days,
                    f"{level.level.value} period from {level.valid_from}",
                )
            )
    esca = esca_facts(history, as_of)
    if esca is not None and as_of <= esca.valid_until <= last:
        after = esca.valid_until + timedelta(days=1)
        if history.esca_label_at(after) is None:
            found.append(
                ExpiryWarning(
                    ExpiryKind.ESCA_LABEL,
                    esca.valid_until,
                    (esca.valid_until - as_of).days,
                    f"ESCA {esca.grade.value}",
                )
            )
    mature = mature_facts(history.mature, as_of, as_of)
    if mature is not None and mature.qualified_until is not None:
        until = mature.qualified_until
        if as_of <= until <= last:
            found.append(
                ExpiryWarning(
                    ExpiryKind.MATURE_QUALIFICATION,
                    until,
                    (until - as_of).days,
                    "mature-cluster qualification: renew it",
                )
            )
    return found


# -- the criteria ---------------------------------------------------------------------------


def _member_base(f: EvaluationFacts) -> CheckItem:
    figure = f"{f.members_total} members, {f.companies} companies"
    c = Criterion.MEMBER_BASE
    if f.members_total == 0:
        return CheckItem(c, Verdict.FAIL, figure, "Ingen medlemmer", "No members")
    if 2 * f.companies < f.members_total:
        return CheckItem(
            c,
            Verdict.WARN,
            figure,
            "Bedriftene er under halvparten av medlemmene",
            "Companies are fewer than half of the members",
        )
    return CheckItem(
        c, Verdict.PASS, figure, "Bedriftene er flertallet", "Companies are the majority"
    )


def _five_point(f: EvaluationFacts) -> CheckItem:
    c = Criterion.FIVE_POINT
    figure = f"{len(f.five_point.present)}/5"
    if f.five_point.covered:
        return CheckItem(
            c, Verdict.PASS, figure, "Alle fem aktørtyper er med", "All five actor types present"
        )
    missing = ", ".join(m.value for m in f.five_point.missing)
    verdict = Verdict.FAIL if f.nce_requirements_apply else Verdict.WARN
    return CheckItem(c, verdict, figure, f"Mangler: {missing}", f"Missing: {missing}")


def _development_activity(f: EvaluationFacts) -> CheckItem:
    c = Criterion.DEVELOPMENT_ACTIVITY
    total = sum(f.activities_by_area.values())
    areas = f.development_areas_active
    figure = f"{areas}/4 areas, {total} activities"
    if total == 0:
        return CheckItem(
            c, Verdict.FAIL, figure, "Ingen aktiviteter siste år", "No activity in the year"
        )
    if areas < MIN_DEVELOPMENT_AREAS:
        return CheckItem(
            c,
            Verdict.WARN,
            figure,
            f"Aktivitet i færre enn {MIN_DEVELOPMENT_AREAS} av de fire utviklingsområdene",
            f"Activity in fewer than {MIN_DEVELOPMENT_AREAS} of the four development areas",
        )
    return CheckItem(
        c, Verdict.PASS, figure, "Aktivitet på tvers av områdene", "Activity across the areas"
    )


def _level_cap(level: LevelFacts, as_of: date, lead_days: int) -> CheckItem:
    c = Criterion.LEVEL_CAP
    name = level.level.value
    if level.cap_years is None or level.cap_ends_on is None:
        figure = f"year {level.year_of_term}"
        return CheckItem(
            c, Verdict.PASS, figure, f"{name} har ingen tidsgrense", f"{name} has no term"
        )
    cap, cap_end = level.cap_years, level.cap_ends_on
    figure = f"year {level.year_of_term} of {cap}"
    if as_of > cap_end or (level.valid_to is not None and level.valid_to > cap_end):
        return CheckItem(
            c,
            Verdict.FAIL,
            figure,
            f"{name} utover {cap} år (tak til {cap_end})",
            f"{name} beyond its {cap}-year cap (ends {cap_end})",
        )
    if (cap_end - as_of).days <= lead_days:
        return CheckItem(
            c,
            Verdict.WARN,
            figure,
            f"Perioden når taket {cap_end}",
            f"The term reaches its cap on {cap_end}",
        )
    return CheckItem(c, Verdict.PASS, figure, f"Innenfor {cap} år", f"Within {cap} years")


def _esca(f: EvaluationFacts, lead_days: int) -> CheckItem:
    c = Criterion.ESCA_LABEL
    required = f.nce_requirements_apply
    esca = f.esca
    figure = f"{esca.grade.value} until {esca.valid_until}" if esca else "none"
    if required and (esca is None or esca.grade is not EscaGrade.GOLD):
        return CheckItem(
            c,
            Verdict.FAIL,
            figure,
            "NCE og moden klynge krever gyldig ESCA gull",
            "NCE and mature clusters need a valid ESCA gold label",
        )
    if esca is not None and (esca.valid_until - f.as_of).days <= lead_days:
        return CheckItem(
            c,
            Verdict.WARN,
            figure,
            f"ESCA-merket utløper {esca.valid_until}",
            f"The ESCA label expires on {esca.valid_until}",
        )
    return CheckItem(c, Verdict.PASS, figure, "ESCA-merket er gyldig", "The ESCA label is valid")


def _mature(m: MatureFacts, as_of: date, lead_days: int) -> CheckItem:
    c = Criterion.MATURE_RENEWAL
    until = m.qualified_until
    figure = f"until {until}" if until else "open"
    if not m.qualified:
        return CheckItem(
            c,
            Verdict.FAIL,
            figure,
            "Kvalifiseringen som moden klynge er ikke fornyet",
            "The mature-cluster qualification was not renewed",
        )
    if until is not None and (until - as_of).days <= lead_days:
        return CheckItem(
            c, Verdict.WARN, figure, f"Fornyes innen {until}", f"Renewal due by {until}"
        )
    return CheckItem(c, Verdict.PASS, figure, "Kvalifisert", "Qualified")


def _anniversaries(start: date, day: date) -> int:
    """Whole years from `start` to `day`."""
    years = day.year - start.year
    return years - 1 if (day.month, day.day) < (start.month, start.day) else years


def _renewed_until(held: list[Period], current: Period) -> date | None:
    """The end of `current` extended through renewals that start the day after."""
    end = current.valid_to
    for p in held:
        if end is not None and p.valid_from == end + timedelta(days=1):
            end = p.valid_to
    return end
