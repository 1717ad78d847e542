"""Brønnøysund organisation forms and sector codes, and the sector they imply (REFERENCE §1.4–1.5).

The code lists are Brreg's; the sector each implies is a design choice, kept here as data so
it can be read and reviewed as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from nic_shared.contracts.registry_facts import Sector

S = Sector


@dataclass(frozen=True, slots=True)
class OrgForm:
    """One `organisasjonsform` code with Brreg's description and the sector it implies."""

    code: str
    description: str
    sector: Sector


_ORG_FORM_ROWS: tuple[tuple[str, str, Sector], ...] = (
    ("AS", "Aksjeselskap", S.PRIVATE_COMPANY),
    ("ASA", "Allmennaksjeselskap", S.PRIVATE_COMPANY),
    ("ENK", "Enkeltpersonforetak", S.PRIVATE_SOLE_PROPRIETOR),
    ("ANS", "Ansvarlig selskap med solidarisk ansvar", S.PRIVATE_PARTNERSHIP),
    ("DA", "Ansvarlig selskap med delt ansvar", S.PRIVATE_PARTNERSHIP),
    ("KS", "Kommandittselskap", S.PRIVATE_PARTNERSHIP),
    ("SA", "Samvirkeforetak", S.PRIVATE_COOPERATIVE),
    ("BA", "Selskap med begrenset ansvar", S.PRIVATE_COMPANY),
    ("SE", "Europeisk selskap", S.PRIVATE_COMPANY),
    ("EOFG", "Europeisk økonomisk foretaksgruppe", S.PRIVATE_OTHER),
    ("PRE", "Partrederi", S.PRIVATE_PARTNERSHIP),
    ("SPA", "Sparebank", S.PRIVATE_FINANCIAL),
    ("GFS", "Gjensidig forsikringsselskap", S.PRIVATE_FINANCIAL),
    ("PK", "Pensjonskasse", S.PRIVATE_FINANCIAL),
    ("VPFO", "Verdipapirfond", S.PRIVATE_FINANCIAL),
    ("STI", "Stiftelse", S.NONPROFIT_FOUNDATION),
    ("FLI", "Forening/lag/innretning", S.NONPROFIT_ASSOCIATION),
    ("ANNA", "Annen juridisk person", S.OTHER),
    ("SÆR", "Annet foretak iflg. særskilt lov", S.OTHER),
    ("STAT", "Staten", S.PUBLIC_STATE),
    ("ORGL", "Organisasjonsledd", S.PUBLIC_STATE),
    ("ADOS", "Administrativ enhet - offentlig sektor", S.PUBLIC_OTHER),
    ("SF", "Statsforetak", S.PUBLIC_ENTERPRISE),
    ("KOMM", "Kommune", S.PUBLIC_MUNICIPAL),
    ("FYLK", "Fylkeskommune", S.PUBLIC_COUNTY),
    ("KF", "Kommunalt foretak", S.PUBLIC_ENTERPRISE),
    ("FKF", "Fylkeskommunalt foretak", S.PUBLIC_ENTERPRISE),
    ("IKS", "Interkommunalt selskap", S.PUBLIC_ENTERPRISE),
    ("KIRK", "Den norske kirke", S.PUBLIC_OTHER),
    ("NUF", "Norskregistrert utenlandsk foretak", S.FOREIGN),
    ("UTLA", "Utenlandsk enhet", S.FOREIGN),
    ("BRL", "Borettslag", S.HOUSING),
    ("BBL", "Boligbyggelag", S.HOUSING),
    ("ESEK", "Eierseksjonssameie", S.HOUSING),
    ("SAM", "Tingsrettslig sameie", S.OTHER),
    ("KBO", "Konkursbo", S.ESTATE),
    ("BO", "Andre bo", S.ESTATE),
    ("KTRF", "Kontorfellesskap", S.OTHER),
    ("OPMV", "Særskilt oppdelt enhet, jf. mval. § 2-2", S.OTHER),
    ("TVAM", "Tvangsregistrert for MVA", S.OTHER),
    ("IKJP", "Andre ikke-juridiske personer", S.OTHER),
    ("PERS", "Andre enkeltpersoner som registreres i tilknyttet register", S.OTHER),
    ("BEDR", "Underenhet til næringsdrivende og offentlig forvaltning", S.SUB_UNIT),
    ("AAFY", "Underenhet til ikke-næringsdrivende", S.SUB_UNIT),
)

ORG_FORMS: MappingProxyType[str, OrgForm] = MappingProxyType(
    {code: OrgForm(code, description, sector) for code, description, sector in _ORG_FORM_ROWS}
)

#: Forms that are public by themselves, whatever the sector code says (§1.5 combined rule).
PUBLIC_FORMS = frozenset({"STAT", "ORGL", "ADOS", "KOMM", "FYLK", "KF", "FKF", "IKS", "SF", "KIRK"})


class NavMapping(StrEnum):
    """How NAV's production code maps a sector code; kept for traceability of the table."""

    STATLIG = "statlig"
    KOMMUNAL = "kommunal"
    PRIVAT = "privat"


@dataclass(frozen=True, slots=True)
class SectorCode:
    """One `institusjonellSektorkode` and what it implies; `verified`: description seen live."""

    code: str
    description: str | None
    verified: bool
    nav_mapping: NavMapping
    sector: Sector


_N = NavMapping
_SECTOR_CODE_ROWS: tuple[tuple[str, str | None, bool, NavMapping, Sector], ...] = (
    ("1110", None, False, _N.PRIVAT, S.PUBLIC_CONTROLLED_COMPANY),
    ("1120", "Statlig eide aksjeselskaper mv.", True, _N.PRIVAT, S.PUBLIC_CONTROLLED_COMPANY),
    ("1510", "Kommunalt eide aksjeselskaper mv.", False, _N.PRIVAT, S.PUBLIC_CONTROLLED_COMPANY),
    ("1520", "Kommunalt eide foretak", False, _N.PRIVAT, S.PUBLIC_CONTROLLED_COMPANY),
    ("2100", "Private aksjeselskaper mv.", True, _N.PRIVAT, S.PRIVATE_COMPANY),
    ("2300", None, False, _N.PRIVAT, S.PRIVATE_OTHER),
    ("2500", None, False, _N.PRIVAT, S.PRIVATE_OTHER),
    ("3100", "Norges Bank", False, _N.STATLIG, S.PUBLIC_OTHER),
    ("3200", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("3500", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("3600", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("3900", "Statlige låneinstitusjoner", False, _N.STATLIG, S.PUBLIC_OTHER),
    ("4100", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("4300", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("4500", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("4900", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("5500", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("5700", None, False, _N.PRIVAT, S.PRIVATE_FINANCIAL),
    ("6100", "Statsforvaltningen", True, _N.STATLIG, S.PUBLIC_STATE),
    ("6500", "Kommuneforvaltningen", False, _N.KOMMUNAL, S.PUBLIC_MUNICIPAL),
    ("7000", "Ideelle organisasjoner", False, _N.PRIVAT, S.NONPROFIT_ASSOCIATION),
    ("8200", "Personlig næringsdrivende", True, _N.PRIVAT, S.PRIVATE_SOLE_PROPRIETOR),
    ("8300", None, False, _N.PRIVAT, S.OTHER),
    ("8500", None, False, _N.PRIVAT, S.OTHER),
    ("9000", "Utlandet", False, _N.PRIVAT, S.FOREIGN),
)

SECTOR_CODES: MappingProxyType[str, SectorCode] = MappingProxyType(
    {row[0]: SectorCode(*row) for row in _SECTOR_CODE_ROWS}
)

#: Sector codes that make an organisation public (§1.5 combined rule).
PUBLIC_SECTOR_CODES = frozenset({"3100", "3900", "6100", "6500"})
#: Sector codes of companies controlled by public bodies: not an SME (Rec. 2003/361 Art. 3(4)).
PUBLIC_CONTROLLED_SECTOR_CODES = frozenset({"1110", "1120", "1510", "1520"})


@dataclass(frozen=True, slots=True)
class Classification:
    """What form and sector code together say about an organisation."""

    sector: Sector
    public: bool
    public_controlled: bool


def classify(form_code: str | None, sector_code: str | None) -> Classification:
    """Combine organisation form and sector code into a sector and the two public flags.

    The form decides the sector; a publicly controlled sector code turns a non-public form
    (AS, ASA, SÆR, ...) into PUBLIC_CONTROLLED_COMPANY, and a public sector code turns it
    into the public sector it names. A public form (SF, KF, ...) keeps its own sector but
    still carries the public_controlled flag. Without a known form the sector code alone decides.
    """
    form_key = form_code.strip().upper() if form_code else None
    code_key = sector_code.strip() if sector_code else None
    form = ORG_FORMS.get(form_key) if form_key else None
    code = SECTOR_CODES.get(code_key) if code_key else None

    public_form = form_key in PUBLIC_FORMS
    public = public_form or code_key in PUBLIC_SECTOR_CODES
    public_controlled = code_key in PUBLIC_CONTROLLED_SECTOR_CODES

    if form is None:
        sector = code.sector if code is not None else Sector.UNKNOWN
    elif public_form or form.sector is Sector.SUB_UNIT or code is None:
        sector = form.sector
    elif public_controlled or code_key in PUBLIC_SECTOR_CODES:
        sector = code.sector
    else:
        sector = form.sector
    return Classification(sector=sector, public=public, public_controlled=public_controlled)
