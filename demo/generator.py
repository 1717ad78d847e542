"""Realistic call data: clusters with members of every actor type, organisations with
Brønnøysund-shaped facts, applications with partners, budgets and objectives, and a panel
with affiliations — including ineligible and conflicted cases. Deterministic per seed.

Every application marked `expected="eligible"` is built to pass every rule of the
`circular_value_chains` rule set (services/eligibility/nic_eligibility/domain/rulesets/
circular.py) on the facts this module registers: at least three companies registered in
Foretaksregisteret, a company as project owner, members of a current or former NIC
cluster, at least one objective, NOK 1–2.5 million at most 50 % of the budget, and an aid
basis whose GBER caps (as the eligibility service computes them) cover the grant. The
five broken on purpose each break exactly one hard rule and pass intake's completeness
check, so intake accepts them and eligibility refuses them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from nic_eligibility.domain.aid import caps_for, effective_collaboration
from nic_registry.domain.sme import SmeFigures, sme_class
from nic_shared import orgnr
from nic_shared.contracts.registry_facts import SmeClass
from nic_shared.events.intake import AidBasis

REGIONS = ["Vestland", "Rogaland", "Trøndelag", "Viken", "Nordland", "Agder", "Innlandet"]
FOCUS = ["havvind", "sirkulær plast", "tre og bygg", "batterier", "sjømat", "metall", "tekstil"]
WORDS = ["Nord", "Vest", "Fjord", "Berg", "Havs", "Skog", "Stål", "Grønn", "Smart", "Blå",
         "Polar", "Sirkel", "Krets", "Fossefall", "Lys", "Vind", "Tind", "Kyst"]  # fmt: skip
SUFFIX = ["Tech", "Industri", "Materialer", "Gjenvinning", "Solutions", "Produksjon", "Energi"]
OBJECTIVES = ["industrial_symbiosis", "circular_value_chain", "fewer_virgin_materials_or_emissions"]
ACTOR_TYPES = ["established_company", "startup", "capital", "research", "education", "public"]
NACE = {"AS": ["38.320", "22.290", "16.100", "27.200", "10.200", "24.100", "13.990"]}
NOK_PER_EUR = Decimal("11.5")
"""The registry's default rate for the SME ceilings (NIC_REGISTRY_NOK_PER_EUR)."""
MEMBERS_FROM = date(2022, 1, 1)
PROJECT_START, PROJECT_END = date(2024, 1, 1), date(2025, 12, 31)
GRANT_MIN, GRANT_MAX = 1_000_000, 2_500_000
CAPS_DATE = date(2023, 9, 1)
"""GBER caps as of the real call's deadline; the caps table has not changed since for the
articles used here (25 and 27), so the check holds for a deadline set today as well."""


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
    nace_codes: list[str] = field(default_factory=list)

    @property
    def is_company(self) -> bool:
        return self.org_form == "AS"

    @property
    def size(self) -> SmeClass:
        """The EU SME class the registry computes from these figures (micro counts as small)."""
        if not self.is_company:
            return SmeClass.LARGE  # no figures registered: the caps treat unknown as large
        figures = SmeFigures(Decimal(self.employees), self.turnover_nok, self.balance_nok)
        size = sme_class(figures, NOK_PER_EUR)
        return SmeClass.SMALL if size is SmeClass.MICRO else size

    def registry_body(self) -> dict[str, Any]:
        """POST /v1/organisations: what Enhetsregisteret and the accounts would say."""
        body: dict[str, Any] = {
            "org_number": self.org_number,
            "name": self.name,
            "org_form_code": self.org_form,
            "sector_code": self.sector_code,
            "registered_in_foretaksregisteret": self.registered_in_foretaksregisteret,
            "bankrupt": self.bankrupt,
            "employees": self.employees,
            "research_organisation": self.research_organisation,
            "nace_codes": self.nace_codes,
        }
        if self.is_company:
            body |= {
                "headcount_awu": self.employees,
                "turnover_nok": self.turnover_nok,
                "balance_sheet_nok": self.balance_nok,
                "figures_year": 2022,
            }
        if self.parent_org_number:
            body["parent_org_number"] = self.parent_org_number
        return body


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

    def members_csv(self) -> str:
        """The member list in the registry's import format (all rows or none)."""
        lines = ["org_number,foreign_country,foreign_id,name,actor_type,valid_from,valid_to"]
        for org, actor in self.members:
            name = org.name.replace('"', "")
            lines.append(f'{org.org_number},,,"{name}",{actor},{MEMBERS_FROM.isoformat()},')
        return "\r\n".join(lines) + "\r\n"


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
    quality: int = 0
    """0–100: how good the generator meant it to be; drives the demo's review marks."""

    @property
    def eligible(self) -> bool:
        return self.expected == "eligible"

    @property
    def total_cost(self) -> int:
        return sum(p.cost_nok for p in self.partners)

    @property
    def org_numbers(self) -> set[str]:
        return {p.organisation.org_number for p in self.partners}

    def content(self, cluster_id: str | None = None) -> dict[str, Any]:
        """The draft's content as intake takes it (PUT /v1/applications/{id}/content)."""
        budget = []
        for p in self.partners:
            first = p.cost_nok // 2
            for year, amount in (
                (PROJECT_START.year, first),
                (PROJECT_END.year, p.cost_nok - first),
            ):
                if amount:
                    budget.append(
                        {
                            "category": "personnel" if year == PROJECT_START.year else "services",
                            "year": year,
                            "partner": p.organisation.org_number,
                            "amount_nok": amount,
                        }
                    )
        slug = self.owner.name.split()[0].lower()
        content: dict[str, Any] = {
            "title": self.title,
            "summary": self.summary,
            "project_start": PROJECT_START.isoformat(),
            "project_end": PROJECT_END.isoformat(),
            "project_owner": self.owner.org_number,
            "partners": [
                {
                    "org_number": p.organisation.org_number,
                    "name": p.organisation.name,
                    "role": p.role,
                }
                for p in self.partners
            ],
            "contact_person": {"name": "Prosjektleder", "email": f"post@{slug}.example.no"},
            "budget": budget,
            "requested_amount_nok": self.requested_nok,
            "objectives": self.objectives,
            "aid_basis": self.aid_basis,
            "implementation_plan": "AP1 kartlegging av ressursstrømmer; AP2 pilot; "
            "AP3 forretningsmodell og spredning.",
        }
        if cluster_id is not None:
            content["cluster_id"] = cluster_id
        return content


@dataclass
class PanelMember:
    name: str
    org_numbers: list[str]
    cluster_names: list[str]
    chair: bool = False


@dataclass
class CallData:
    organisations: list[Organisation]
    clusters: list[Cluster]
    applications: list[Application]
    panel: list[PanelMember]
    public_bodies: list[Organisation]

    @property
    def requested_total_nok(self) -> int:
        return sum(a.requested_nok for a in self.applications)

    def actor_types(self) -> set[str]:
        return {actor for c in self.clusters for _, actor in c.members}


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
        nace_codes=[rng.choice(NACE["AS"])],
    )


def _institution(
    numbers: _Numbers, name: str, form: str, sector: str, research: bool
) -> Organisation:
    return Organisation(
        numbers.next(),
        name,
        form,
        sector,
        400,
        0,
        0,
        registered_in_foretaksregisteret=form == "STI",
        research_organisation=research,
        nace_codes=["72.190"] if research else [],
    )


def _amounts(rng: random.Random, count: int, total: int) -> list[int]:
    """`count` amounts summing exactly to `total`, each within ±20 % of the mean."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(count)]
    raw = [int(total * w / sum(weights)) // 10_000 * 10_000 for w in weights]
    raw[-1] += total - sum(raw)
    return raw


def gber_ceiling_nok(app: Application, basis: str | None = None) -> int:
    """The most aid the GBER article allows this consortium, as eligibility computes it
    (`gber_intensity_cap`): the sum over cost bearers of cap(size) x own cost."""
    caps = caps_for(AidBasis(basis or app.aid_basis), CAPS_DATE)
    costs = {p.organisation.org_number: p.cost_nok for p in app.partners}
    sizes = {p.organisation.org_number: p.organisation.size for p in app.partners}
    smes = frozenset(k for k, s in sizes.items() if s is not SmeClass.LARGE)
    collaboration = effective_collaboration(costs, smes)
    total = sum(costs.values())
    sme_cost = sum(c for k, c in costs.items() if k in smes)
    share = bool(caps.large_needs_sme_cost_share) and (
        sme_cost * 100 >= (caps.large_needs_sme_cost_share or 0) * total
    )
    ceiling = sum(
        caps.cap(sizes[k], collaboration=collaboration, sme_cost_share=share) * cost
        for k, cost in costs.items()
    )
    return ceiling // 100


def generate_circular_call(
    seed: int = 2023, applications: int = 36, requested_total_nok: int = 73_000_000
) -> CallData:
    """The circular value chains 2023 call at its real size (PROGRAMME.md §2c)."""
    rng = random.Random(seed)
    numbers = _Numbers(rng)
    research = [
        _institution(numbers, n, "STI", "7000", True)
        for n in ("SINTEF Demo", "NORCE Demo", "Nofima Demo")
    ]
    universities = [
        _institution(numbers, n, "ORGL", "6100", False)
        for n in ("NTNU Demo", "Universitetet i Bergen Demo")
    ]
    municipalities = [
        _institution(numbers, n, "KOMM", "6500", False) for n in ("Demo kommune", "Fjordby kommune")
    ]
    companies = [_company(rng, numbers, large=i % 9 == 0) for i in range(140)]
    capital = [_company(rng, numbers) for _ in range(6)]
    for fund in capital:
        fund.name = fund.name.replace(" AS", " Invest AS")
    # A group: two subsidiaries of one parent (Brønnøysund's "overordnet enhet").
    companies[31].parent_org_number = companies[30].org_number

    clusters: list[Cluster] = []
    levels = [
        ("arena", date(2022, 1, 1), None),
        ("arena_pro", date(2020, 1, 1), None),
        ("gce", date(2018, 1, 1), None),
        ("arena", date(2017, 1, 1), date(2020, 12, 31)),  # a former NIC cluster: still counts
        ("arena", date(2021, 1, 1), None),
        ("arena_pro", date(2019, 1, 1), None),
    ]
    for i, (level, start, end) in enumerate(levels):
        facilitator = _company(rng, numbers)
        facilitator.name = f"{FOCUS[i].capitalize()}klyngen Demo AS"
        cluster = Cluster(
            f"{FOCUS[i].capitalize()}klyngen", REGIONS[i], FOCUS[i], facilitator, level, start, end
        )
        members = companies[i * 20 : (i + 1) * 20]
        cluster.members += [
            (c, "established_company" if j % 4 else "startup") for j, c in enumerate(members)
        ]
        cluster.members += [
            (capital[i], "capital"),
            (research[i % 3], "research"),
            (universities[i % 2], "education"),
            (municipalities[i % 2], "public"),
        ]
        clusters.append(cluster)
    clusters[4].members = [m for m in clusters[4].members if m[1] != "education"]  # 4 of 5 types

    amounts = _amounts(rng, applications, requested_total_nok)
    result: list[Application] = []
    for n, amount in enumerate(amounts):
        cluster = clusters[n % len(clusters)]
        pool = [
            c
            for c, kind in cluster.members
            if kind in ("established_company", "startup") and c.size is not SmeClass.LARGE
        ]
        large = [c for c, _ in cluster.members if c.is_company and c.size is SmeClass.LARGE]
        chosen = rng.sample(pool, 3 + n % 3)
        if large and n % 4 == 1:
            chosen[-1] = large[0]  # some consortia include a large company
        cost_total = amount * 2 + rng.randint(0, 20) * 10_000
        shares = _amounts(rng, len(chosen), cost_total)
        partners = [
            Partner(c, "owner" if i == 0 else "partner", s)
            for i, (c, s) in enumerate(zip(chosen, shares, strict=True))
        ]
        if n % 7 == 3:  # a research institute takes part (not as owner), at a small cost
            institute = research[n % 3]
            partners.append(Partner(institute, "research_organisation", 0))
        app = Application(
            title=f"{rng.choice(['Kretsløp', 'Symbiose', 'Gjenbruk', 'Ressurs'])} i "
            f"{cluster.focus} {n + 1}",
            summary=f"Samarbeid om {cluster.focus} i {cluster.region}.",
            owner=chosen[0],
            cluster=cluster,
            partners=partners,
            requested_nok=amount,
            objectives=rng.sample(OBJECTIVES, 1 + n % 3),
            aid_basis="gber_25",
            expected="eligible",
            quality=rng.randint(0, 100),
        )
        _settle_aid_basis(app)
        result.append(app)
    _break_some(result, research, municipalities, numbers, rng)
    panel = [
        PanelMember("Ingrid Havstad", [research[0].org_number], []),
        PanelMember("Ola Fjellheim", [], [], chair=True),
        PanelMember("Kari Nordvik", [result[2].partners[1].organisation.org_number], []),
        PanelMember("Per Strand", [], [clusters[1].name]),
        PanelMember("Siri Lund", [], []),
        PanelMember("Anders Vik", [capital[0].org_number, result[9].owner.org_number], []),
    ]
    extra = [p.organisation for a in result for p in a.partners]
    organisations = list(
        {
            o.org_number: o
            for o in (
                *companies,
                *capital,
                *research,
                *universities,
                *municipalities,
                *(c.facilitator for c in clusters),
                *extra,
            )
        }.values()
    )
    return CallData(organisations, clusters, result, panel, municipalities)


def _settle_aid_basis(app: Application) -> None:
    """GBER art. 25 when its caps cover the grant, else art. 27 (50 % for every size)."""
    for basis in ("gber_25", "gber_27"):
        if gber_ceiling_nok(app, basis) >= app.requested_nok:
            app.aid_basis = basis
            return
    raise AssertionError(f"no GBER article covers {app.title}")  # pragma: no cover


def _rebalance(app: Application, rng: random.Random) -> None:
    """Costs again for the partners left: twice the grant plus a little, split by weight."""
    payers = [p for p in app.partners if p.role in ("owner", "partner")]
    total = app.requested_nok * 2 + rng.randint(0, 20) * 10_000
    for partner, share in zip(payers, _amounts(rng, len(payers), total), strict=True):
        partner.cost_nok = share
    for partner in app.partners:
        if partner not in payers:
            partner.cost_nok = 0


def _break_some(
    apps: list[Application],
    research: list[Organisation],
    municipalities: list[Organisation],
    numbers: _Numbers,
    rng: random.Random,
) -> None:
    """Five ineligible cases, each breaking one hard rule and nothing else."""
    municipality_owned = apps[5]
    for partner in municipality_owned.partners:
        partner.role = "partner" if partner.role == "owner" else partner.role
    municipality_owned.partners.insert(0, Partner(municipalities[0], "owner", 0))
    municipality_owned.owner = municipalities[0]
    _rebalance(municipality_owned, rng)
    municipality_owned.partners[0].cost_nok += 200_000  # it bears some cost of its own
    municipality_owned.aid_basis = "gber_27"
    municipality_owned.expected = "ineligible: project owner is a public actor"

    too_few = apps[11]
    too_few.partners = [p for p in too_few.partners if p.role in ("owner", "partner")][:2]
    _rebalance(too_few, rng)
    _settle_aid_basis(too_few)
    too_few.expected = "ineligible: fewer than three registered companies"

    greedy = apps[17]
    payers = [p for p in greedy.partners if p.role in ("owner", "partner")]
    for partner in payers:
        partner.cost_nok = greedy.requested_nok // len(payers)
    payers[0].cost_nok += greedy.requested_nok - sum(p.cost_nok for p in payers)
    greedy.expected = "ineligible: aid intensity above 50 %"

    bankrupt = apps[23]
    # A company of its own, so no other application shares the bankrupt partner.
    broke = _company(rng, numbers)
    broke.name = "Konkursbo Demo AS"
    broke.bankrupt = True
    bankrupt.cluster.members.append((broke, "established_company"))
    bankrupt.partners[1].organisation = broke
    _settle_aid_basis(bankrupt)
    bankrupt.expected = "ineligible: a partner is bankrupt"

    institute_owned = apps[29]
    for partner in institute_owned.partners:
        partner.role = "partner" if partner.role == "owner" else partner.role
    institute_owned.partners = [
        p for p in institute_owned.partners if p.organisation not in research
    ]
    institute_owned.partners.insert(0, Partner(research[1], "owner", 0))
    institute_owned.owner = research[1]
    _rebalance(institute_owned, rng)
    institute_owned.aid_basis = "gber_27"
    institute_owned.expected = "ineligible: project owner is a research institute"
