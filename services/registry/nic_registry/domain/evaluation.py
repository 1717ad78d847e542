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
    found: list[tuple[ExpiryKind, date, str]] = []
    level = level_facts(history.levels, as_of)
    if level is not None and level.ends_on is not None:
        end = min(level.ends_on, level.cap_ends_on or level.ends_on)
        follows = any(lp.period.valid_from == end + timedelta(days=1) for lp in history.levels)
        if not (follows and end == level.ends_on):  # a next level is no expiry; past the cap is
            detail = f"{level.level.value} period from {level.valid_from}"
            found.append((ExpiryKind.LEVEL_PERIOD, end, detail))
    esca = esca_facts(history, as_of)
    if esca is not None and history.esca_label_at(esca.valid_until + timedelta(days=1)) is None:
        found.append((ExpiryKind.ESCA_LABEL, esca.valid_until, f"ESCA {esca.grade.value}"))
    mature = mature_facts(history.mature, as_of, as_of)
    if mature is not None and mature.qualified_until is not None:
        detail = "mature-cluster qualification: renew it"
        found.append((ExpiryKind.MATURE_QUALIFICATION, mature.qualified_until, detail))
    return [
        ExpiryWarning(kind, end, (end - as_of).days, detail)
        for kind, end, detail in found
        if as_of <= end <= last
    ]


# -- the criteria ---------------------------------------------------------------------------

TEXTS: dict[str, tuple[str, str]] = {
    "no_members": ("Ingen medlemmer", "No members"),
    "companies_minority": (
        "Bedriftene er under halvparten av medlemmene",
        "Companies are fewer than half of the members",
    ),
    "companies_majority": ("Bedriftene er flertallet", "Companies are the majority"),
    "five_covered": ("Alle fem aktørtyper er med", "All five actor types present"),
    "five_missing": ("Mangler: {missing}", "Missing: {missing}"),
    "no_activity": ("Ingen aktiviteter siste år", "No activity in the year"),
    "few_areas": (
        "Aktivitet i færre enn {n} av de fire utviklingsområdene",
        "Activity in fewer than {n} of the four development areas",
    ),
    "areas": ("Aktivitet på tvers av områdene", "Activity across the areas"),
    "no_term": ("{level} har ingen tidsgrense", "{level} has no term"),
    "past_cap": (
        "{level} utover {cap} år (tak til {end})",
        "{level} beyond its {cap}-year cap (ends {end})",
    ),
    "near_cap": ("Perioden når taket {end}", "The term reaches its cap on {end}"),
    "within_cap": ("Innenfor {cap} år", "Within {cap} years"),
    "gold_required": (
        "NCE og moden klynge krever gyldig ESCA gull",
        "NCE and mature clusters need a valid ESCA gold label",
    ),
    "esca_expires": ("ESCA-merket utløper {end}", "The ESCA label expires on {end}"),
    "esca_valid": ("ESCA-merket er gyldig", "The ESCA label is valid"),
    "not_renewed": (
        "Kvalifiseringen som moden klynge er ikke fornyet",
        "The mature-cluster qualification was not renewed",
    ),
    "renewal_due": ("Fornyes innen {end}", "Renewal due by {end}"),
    "qualified": ("Kvalifisert", "Qualified"),
}


def _item(c: Criterion, verdict: Verdict, figure: str, text: str, **values: object) -> CheckItem:
    nb, en = TEXTS[text]
    return CheckItem(c, verdict, figure, nb.format(**values), en.format(**values))


def _member_base(f: EvaluationFacts) -> CheckItem:
    figure = f"{f.members_total} members, {f.companies} companies"
    c = Criterion.MEMBER_BASE
    if f.members_total == 0:
        return _item(c, Verdict.FAIL, figure, "no_members")
    if 2 * f.companies < f.members_total:
        return _item(c, Verdict.WARN, figure, "companies_minority")
    return _item(c, Verdict.PASS, figure, "companies_majority")


def _five_point(f: EvaluationFacts) -> CheckItem:
    c, figure = Criterion.FIVE_POINT, f"{len(f.five_point.present)}/5"
    if f.five_point.covered:
        return _item(c, Verdict.PASS, figure, "five_covered")
    verdict = Verdict.FAIL if f.nce_requirements_apply else Verdict.WARN
    missing = ", ".join(m.value for m in f.five_point.missing)
    return _item(c, verdict, figure, "five_missing", missing=missing)


def _development_activity(f: EvaluationFacts) -> CheckItem:
    c, total = Criterion.DEVELOPMENT_ACTIVITY, sum(f.activities_by_area.values())
    figure = f"{f.development_areas_active}/4 areas, {total} activities"
    if total == 0:
        return _item(c, Verdict.FAIL, figure, "no_activity")
    if f.development_areas_active < MIN_DEVELOPMENT_AREAS:
        return _item(c, Verdict.WARN, figure, "few_areas", n=MIN_DEVELOPMENT_AREAS)
    return _item(c, Verdict.PASS, figure, "areas")


def _level_cap(level: LevelFacts, as_of: date, lead_days: int) -> CheckItem:
    c, name = Criterion.LEVEL_CAP, level.level.value
    cap, end = level.cap_years, level.cap_ends_on
    if cap is None or end is None:
        return _item(c, Verdict.PASS, f"year {level.year_of_term}", "no_term", level=name)
    figure = f"year {level.year_of_term} of {cap}"
    if as_of > end or (level.valid_to is not None and level.valid_to > end):
        return _item(c, Verdict.FAIL, figure, "past_cap", level=name, cap=cap, end=end)
    if (end - as_of).days <= lead_days:
        return _item(c, Verdict.WARN, figure, "near_cap", end=end)
    return _item(c, Verdict.PASS, figure, "within_cap", cap=cap)


def _esca(f: EvaluationFacts, lead_days: int) -> CheckItem:
    c, esca = Criterion.ESCA_LABEL, f.esca
    figure = f"{esca.grade.value} until {esca.valid_until}" if esca else "none"
    if f.nce_requirements_apply and (esca is None or esca.grade is not EscaGrade.GOLD):
        return _item(c, Verdict.FAIL, figure, "gold_required")
    if esca is not None and (esca.valid_until - f.as_of).days <= lead_days:
        return _item(c, Verdict.WARN, figure, "esca_expires", end=esca.valid_until)
    return _item(c, Verdict.PASS, figure, "esca_valid")


def _mature(m: MatureFacts, as_of: date, lead_days: int) -> CheckItem:
    c, until = Criterion.MATURE_RENEWAL, m.qualified_until
    figure = f"until {until}" if until else "open"
    if not m.qualified:
        return _item(c, Verdict.FAIL, figure, "not_renewed")
    if until is not None and (until - as_of).days <= lead_days:
        return _item(c, Verdict.WARN, figure, "renewal_due", end=until)
    return _item(c, Verdict.PASS, figure, "qualified")


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
