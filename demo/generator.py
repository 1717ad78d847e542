"""Realistic call data: clusters with members of every actor type, organisations with
Brønnøysund-shaped facts, applications with partners, budgets and objectives, and a panel
with affiliations — including ineligible and conflicted cases. Deterministic per seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from nic_shared import orgnr

REGIONS = ["Vestland", "Rogaland", "Trøndelag", "Viken", "Nordland", "Agder", "Innlandet"]
FOCUS = ["havvind", "sirkulær plast", "tre og bygg", "batterier", "sjømat", "metall", "tekstil"]
WORDS = ["Nord", "Vest", "Fjord", "Berg", "Havs", "Skog", "Stål", "Grønn", "Smart", "Blå",
         "Polar", "Sirkel", "Krets", "Fossefall", "Lys", "Vind", "Tind", "Kyst"]
SUFFIX = ["Tech", "Industri", "Materialer", "Gjenvinning", "Solutions", "Produksjon", "Energi"]
OBJECTIVES = ["industrial_symbiosis", "circular_value_chain", "fewer_virgin_materials_or_emissions"]
ACTOR_TYPES = ["established_company", "startup", "capital", "research", "education", "public"]


@dataclass
class Organisation:
    org_number: str
    name: str
    org_form: str
    sector_code: str
    employees: int
    turnover_nok: int
    balance_nok: int
    registered_in_foretaksregisteret: bool = True
    bankrupt: bool = False
    research_organisation: bool = False
    parent_org_number: str | None = None


@dataclass
class Cluster:
    name: str
    region: str
    focus: str
    facilitator: Organisation
    level: str
    level_from: date
    level_to: date | None
    members: list[tuple[Organisation, str]] = field(default_factory=list)


@dataclass
class Partner:
    organisation: Organisation
    role: str
    cost_nok: int


@dataclass
class Application:
    title: str
    summary: str
    owner: Organisation
    cluster: Cluster
    partners: list[Partner]
    requested_nok: int
    objectives: list[str]
    aid_basis: str
    expected: str
    """What the generator meant: eligible, or the rule it breaks on purpose."""


@dataclass
class PanelMember:
    name: str
    org_numbers: list[str]
    cluster_names: list[str]


@dataclass
class CallData:
    organisations: list[Organisation]
    clusters: list[Cluster]
    applications: list[Application]
    panel: list[PanelMember]
    public_bodies: list[Organisation]


class _Numbers:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> str:
        while True:
            first = str(self.rng.randint(8, 9)) + f"{self.rng.randint(0, 9_999_999):07d}"
            digit = orgnr.check_digit(first)
            if digit is not None and first + str(digit) not in self.used:
                self.used.add(first + str(digit))
                return first + str(digit)


def _company(rng: random.Random, numbers: _Numbers, *, large: bool = False) -> Organisation:
    employees = rng.randint(260, 900) if large else rng.randint(3, 180)
    turnover = employees * rng.randint(1_200_000, 2_400_000)
    return Organisation(
        org_number=numbers.next(),
        name=f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {rng.choice(SUFFIX)} AS",
        org_form="AS",
        sector_code="2100",
        employees=employees,
        turnover_nok=turnover,
        balance_nok=int(turnover * rng.uniform(0.4, 0.9)),
    )


def _institution(numbers: _Numbers, name: str, form: str, sector: str, research: bool) -> Organisation:
    return Organisation(numbers.next(), name, form, sector, 400, 0, 0,
                        registered_in_foretaksregisteret=form != "KOMM",
                        research_organisation=research)


def _amounts(rng: random.Random, count: int, total: int) -> list[int]:
    """`count` requests summing exactly to `total`, mostly within NOK 1–2.5 million."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(count)]
    raw = [int(total * w / sum(weights)) // 10_000 * 10_000 for w in weights]
    raw[-1] += total - sum(raw)
    return raw


def generate_circular_call(seed: int = 2023, applications: int = 36,
                           requested_total_nok: int = 73_000_000) -> CallData:
    """The circular value chains 2023 call at its real size (PROGRAMME.md §2c)."""
    rng = random.Random(seed)
    numbers = _Numbers(rng)
    research = [_institution(numbers, n, "STI", "7000", True)
                for n in ("SINTEF Demo", "NORCE Demo", "Nofima Demo")]
    universities = [_institution(numbers, n, "ORGL", "6100", False)
                    for n in ("NTNU Demo", "Universitetet i Bergen Demo")]
    municipalities = [_institution(numbers, n, "KOMM", "6500", False)
                      for n in ("Demo kommune", "Fjordby kommune")]
    companies = [_company(rng, numbers, large=i % 9 == 0) for i in range(140)]
    capital = [_company(rng, numbers) for _ in range(6)]
    for fund in capital:
        fund.name = fund.name.replace(" AS", " Invest AS")

    clusters: list[Cluster] = []
    levels = [("arena", date(2022, 1, 1), None), ("arena_pro", date(2020, 1, 1), None),
              ("gce", date(2018, 1, 1), None), ("arena", date(2017, 1, 1), date(2020, 12, 31)),
              ("arena", date(2021, 1, 1), None), ("arena_pro", date(2019, 1, 1), None)]
    for i, (level, start, end) in enumerate(levels):
        facilitator = _company(rng, numbers)
        facilitator.name = f"{FOCUS[i].capitalize()}klyngen Demo AS"
        cluster = Cluster(f"{FOCUS[i].capitalize()}klyngen", REGIONS[i], FOCUS[i], facilitator,
                          level, start, end)
        members = companies[i * 20:(i + 1) * 20]
        cluster.members += [(c, "established_company" if j % 4 else "startup")
                            for j, c in enumerate(members)]
        cluster.members += [(capital[i], "capital"), (research[i % 3], "research"),
                            (universities[i % 2], "education"),
                            (municipalities[i % 2], "public")]
        clusters.append(cluster)
    clusters[4].members = [m for m in clusters[4].members if m[1] != "education"]  # 4 of 5 types

    amounts = _amounts(rng, applications, requested_total_nok)
    result: list[Application] = []
    for n, amount in enumerate(amounts):
        cluster = clusters[n % len(clusters)]
        pool = [c for c, kind in cluster.members if kind in ("established_company", "startup")]
        chosen = rng.sample(pool, 3 + n % 3)
        cost_total = amount * 2 + rng.randint(0, 20) * 10_000
        shares = _amounts(rng, len(chosen), cost_total)
        partners = [Partner(c, "owner" if i == 0 else "partner", s)
                    for i, (c, s) in enumerate(zip(chosen, shares, strict=True))]
        app = Application(
            title=f"{rng.choice(['Sirkulær', 'Symbiose', 'Gjenbruk', 'Ressurs'])}-"
                  f"{cluster.focus.split()[0]} {n + 1}",
            summary=f"Samarbeid om {cluster.focus} i {cluster.region}.",
            owner=chosen[0], cluster=cluster, partners=partners, requested_nok=amount,
            objectives=rng.sample(OBJECTIVES, 1 + n % 3), aid_basis="gber_25",
            expected="eligible",
        )
        result.append(app)
    _break_some(result, research, municipalities, rng)
    panel = [
        PanelMember("Ingrid Havstad", [research[0].org_number], []),
        PanelMember("Ola Fjellheim", [], []),
        PanelMember("Kari Nordvik", [result[2].partners[1].organisation.org_number], []),
        PanelMember("Per Strand", [], [clusters[1].name]),
        PanelMember("Siri Lund", [], []),
        PanelMember("Anders Vik", [capital[0].org_number], []),
    ]
    organisations = (companies + capital + research + universities + municipalities
                     + [c.facilitator for c in clusters])
    return CallData(organisations, clusters, result, panel, municipalities)


def _break_some(apps: list[Application], research: list[Organisation],
                municipalities: list[Organisation], rng: random.Random) -> None:
    """A mix that includes ineligible cases, each breaking one rule on purpose."""
    municipality_owned = apps[5]
    municipality_owned.partners.insert(
        0, Partner(municipalities[0], "public_actor", municipality_owned.partners[0].cost_nok // 2)
    )
    municipality_owned.partners[1].role = "partner"
    municipality_owned.owner = municipalities[0]
    municipality_owned.partners[0].role = "owner"
    municipality_owned.expected = "ineligible: project owner is a public actor"

    too_few = apps[11]
    too_few.partners = too_few.partners[:2]
    too_few.expected = "ineligible: fewer than three companies"

    greedy = apps[17]
    for partner in greedy.partners:
        partner.cost_nok = greedy.requested_nok // len(greedy.partners)
    greedy.expected = "ineligible: aid intensity above 50 %"

    bankrupt = apps[23]
    bankrupt.partners[1].organisation.bankrupt = True
    bankrupt.expected = "ineligible: a partner is bankrupt"

    no_objective = apps[29]
    no_objective.objectives = []
    no_objective.expected = "ineligible: no objective chosen"
    del rng, research
