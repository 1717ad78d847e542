"""Innovasjonsrammen (seed 003, PROGRAMME.md §2b): SMEs in a cluster mature an idea together.

Foreign partners count as participants and as companies, but their budget lines carry no
grant: the grant must fit within the maximum intensity of the Norwegian costs alone
(`foreign_partners_unfunded`), while `aid_intensity_within_max` measures the whole budget.
"""

from __future__ import annotations

from nic_eligibility.domain.model import Clause, Messages, Rule
from nic_eligibility.domain.parameters import ParameterSpec
from nic_eligibility.domain.rulesets.base import COMMON_RULES, HARD, RuleSet

PARTNERS = Clause("003 Hvilke bedrifter kan delta", "PROGRAMME.md §2b Partners")
CLUSTERS = Clause("003 Hvilke klynger kan utnytte Innovasjonsrammen", "PROGRAMME.md §2b")
MONEY = Clause("003 Hva kan Innovasjon Norge bidra med", "PROGRAMME.md §2b Money")

RULES: tuple[Rule, ...] = (
    Rule(
        id="min_companies",
        clause=Clause("003 Hva slags type prosjekter kan støttes", "PROGRAMME.md §2b Partners"),
        severity=HARD,
        predicate="min_companies",
        requirement=Messages(
            nb="Minst {min_companies} bedrifter samarbeider.",
            en="At least {min_companies} companies collaborate.",
        ),
        failure=Messages(nb="Fant {count}.", en="Found {count}."),
    ),
    Rule(
        id="partners_private_companies",
        clause=PARTNERS,
        severity=HARD,
        predicate="partners_private_companies",
        requirement=Messages(
            nb="Alle partnere er private bedrifter (ikke offentlige, FoU/utdanning eller "
            "klyngeorganisasjonen).",
            en="Every partner is a private company (not public, R&D/education or the "
            "cluster organisation).",
        ),
        failure=Messages(nb="Gjelder: {offenders}.", en="Concerns: {offenders}."),
    ),
    Rule(
        id="partners_independent",
        clause=PARTNERS,
        severity=HARD,
        predicate="partners_independent",
        requirement=Messages(
            nb="Partnerne er uavhengige av hverandre (ikke felles eierskap).",
            en="The partners are independent of each other (no common ownership).",
        ),
        failure=Messages(nb="Felles eierskap: {linked}.", en="Common ownership: {linked}."),
    ),
    Rule(
        id="initiative_from_active_cluster_member",
        clause=PARTNERS,
        severity=HARD,
        predicate="initiative_from_active_cluster_member",
        requirement=Messages(
            nb="Initiativet kommer fra en bedrift som er aktiv deltaker i klyngen.",
            en="The initiative comes from a company that is an active member of the cluster.",
        ),
        failure=Messages(
            nb="{initiator}: medlem {member_at_date}, bedrift {company}.",
            en="{initiator}: member {member_at_date}, company {company}.",
        ),
    ),
    Rule(
        id="sme_share",
        clause=PARTNERS,
        severity=HARD,
        predicate="sme_share",
        requirement=Messages(
            nb="Minst {min_sme_share_percent} % av deltakerne er SMB.",
            en="At least {min_sme_share_percent} % of the participants are SMEs.",
        ),
        failure=Messages(
            nb="{sme_count} av {participants} er SMB.",
            en="{sme_count} of {participants} are SMEs.",
        ),
    ),
    Rule(
        id="foreign_partners_unfunded",
        clause=PARTNERS,
        severity=HARD,
        predicate="foreign_partners_unfunded",
        requirement=Messages(
            nb="Utenlandske partnere får ikke støtte: tilskuddet er innenfor "
            "{max_aid_intensity_percent} % av de norske deltakernes kostnader.",
            en="Foreign partners get no support: the grant is within "
            "{max_aid_intensity_percent} % of the Norwegian participants' costs.",
        ),
        failure=Messages(
            nb="Støtteandel av norske kostnader: {intensity_percent} %.",
            en="Share of Norwegian costs: {intensity_percent} %.",
        ),
    ),
    Rule(
        id="cluster_has_base_support",
        clause=CLUSTERS,
        severity=HARD,
        predicate="cluster_has_base_support",
        requirement=Messages(
            nb="Klyngen mottar basisstøtte (Arena, NCE eller GCE) eller har mottatt "
            "NCE-basisstøtte tidligere.",
            en="The cluster receives base support (Arena, NCE or GCE) or earlier received "
            "NCE base support.",
        ),
    ),
    Rule(
        id="grant_within_max",
        clause=MONEY,
        severity=HARD,
        predicate="grant_within_max",
        requirement=Messages(
            nb="Tilskuddet er høyst kr {max_grant_nok}.",
            en="The grant is at most NOK {max_grant_nok}.",
        ),
        failure=Messages(nb="Søkt: kr {requested_nok}.", en="Requested: NOK {requested_nok}."),
    ),
    Rule(
        id="aid_intensity_within_max",
        clause=MONEY,
        severity=HARD,
        predicate="aid_intensity_within_max",
        requirement=Messages(
            nb="Støtteandelen er høyst {max_aid_intensity_percent} %.",
            en="The aid intensity is at most {max_aid_intensity_percent} %.",
        ),
        failure=Messages(nb="Søkt: {intensity_percent} %.", en="Requested: {intensity_percent} %."),
    ),
)

INNOVASJONSRAMMEN = RuleSet(
    name="innovasjonsrammen",
    parameters=(
        ParameterSpec("min_companies", "int", 2),
        ParameterSpec("max_grant_nok", "int", None),
        ParameterSpec("max_aid_intensity_percent", "percent", 50),
        ParameterSpec("min_sme_share_percent", "percent", 50),
    ),
    rules=(*COMMON_RULES, *RULES),
)
