"""The three calls of the seeds as data, with their real dates where the seeds give them.

Every value the seeds do not state is marked ASSUMPTION with the reason for the choice, so
it is easy to find and correct when the real figure turns up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID, uuid5

from nic_intake.domain.call_terms import CallTerms, publish_call
from nic_intake.domain.deadline import oslo_instant
from nic_intake.domain.templates import terms_for
from nic_shared.events.intake import CallPublished
from nic_shared.events.specs import LocalText, Scheme

SEED_NAMESPACE = UUID("7d0c2a57-3f0e-5b8e-9a55-6e1c0c1a2b3d")
"""Namespace for the seed calls' ids, so every environment gives a seed call the same id."""

SIXTEEN = time(16, 0)


@dataclass(frozen=True, slots=True)
class SeedCall:
    """A call as announced: identity, texts, submission window, budget frame and terms."""

    code: str
    title: LocalText
    description: LocalText
    opens_at: datetime
    deadline: datetime
    budget_frame_nok: int
    terms: CallTerms

    @property
    def scheme(self) -> Scheme:
        return self.terms.scheme

    @property
    def call_id(self) -> UUID:
        return uuid5(SEED_NAMESPACE, self.code)

    def published(self) -> CallPublished:
        """The CallPublished event for this seed call."""
        return publish_call(
            self.terms,
            call_id=self.call_id,
            code=self.code,
            title=self.title,
            opens_at=self.opens_at,
            deadline=self.deadline,
            budget_frame_nok=self.budget_frame_nok,
        )


MATURE_CLUSTERS_2021 = SeedCall(
    code="NIC-MODNE-2021",
    title=LocalText(
        nb="Utlysning 2021 – delprogram for «modne klynger»",
        en="Call 2021 – sub-programme for mature clusters",
    ),
    description=LocalText(
        nb="Støtte til samarbeidsbaserte prosjekter i prekvalifiserte modne klynger som kan "
        "bidra til industrielle løft med nytte utover klyngens egne partnere.",
        en="Support for collaborative projects by prequalified mature clusters that can "
        "deliver industrial lifts benefiting more than the cluster's own partners.",
    ),
    # ASSUMPTION: seed 000 gives no opening date; 1 June 2021 00:00 Oslo as a placeholder.
    opens_at=oslo_instant(date(2021, 6, 1), time(0, 0)),
    deadline=oslo_instant(date(2021, 10, 1), SIXTEEN),  # seed 000: "1. oktober 2021 kl 16.00"
    # ASSUMPTION: seed 000 says only "a limited frame"; NOK 30 million as a placeholder.
    budget_frame_nok=30_000_000,
    terms=terms_for(Scheme.MATURE_CLUSTERS),
)

CIRCULAR_VALUE_CHAINS_2023 = SeedCall(
    code="NIC-SIRK-2023",
    title=LocalText(
        nb="Samarbeidsprosjekter for sirkulære verdikjeder 2023",
        en="Collaboration projects for circular value chains 2023",
    ),
    description=LocalText(
        nb="Konsortier med klyngemedlemmer eller bedriftsnettverk-kunder kan søke om støtte "
        "til samarbeidsprosjekter for sirkulærøkonomi og industriell symbiose.",
        en="Consortia with cluster members or business-network customers may apply for "
        "collaboration projects in circular economy and industrial symbiosis.",
    ),
    opens_at=oslo_instant(date(2023, 5, 12), time(0, 0)),  # seed 004: "fra utlysningsdatoen"
    # ASSUMPTION: seed 004 gives the date only; 16:00 like the other NIC call (seed 000).
    deadline=oslo_instant(date(2023, 9, 1), SIXTEEN),
    # ASSUMPTION: no frame in the seeds. 36 applications asked for NOK 73 million; NOK 25
    # million (about a third, 10–25 projects at NOK 1–2.5 million) as a placeholder.
    budget_frame_nok=25_000_000,
    terms=terms_for(Scheme.CIRCULAR_VALUE_CHAINS),
)

INNOVASJONSRAMMEN_2018_2 = SeedCall(
    code="IN-INNORAMME-2018-2",
    title=LocalText(
        nb="Innovasjonsrammen – runde 2, 2018",
        en="Innovasjonsrammen (innovation frame) – round 2, 2018",
    ),
    description=LocalText(
        nb="Små og mellomstore klyngebedrifter samarbeider om å utvikle en innovasjonside til "
        "et prosjektforslag. Klyngen prioriterer og sender inn to til fire forslag.",
        en="Small and medium-sized cluster companies collaborate to mature an innovation idea "
        "into a project proposal. The cluster ranks and forwards two to four proposals.",
    ),
    # ASSUMPTION: seed 003 gives no dates. REFERENCE §6.6 names the 2018 rounds 30 May and
    # 15 Sept (a Saturday, kept as documented); this is the second round, opening the day
    # after the first closed, deadline 16:00 like the other NIC calls.
    opens_at=oslo_instant(date(2018, 5, 31), time(0, 0)),
    deadline=oslo_instant(date(2018, 9, 15), SIXTEEN),
    # ASSUMPTION: REFERENCE §6.6 gives NOK 10 million for 2018 in total; used for the round.
    budget_frame_nok=10_000_000,
    terms=terms_for(Scheme.INNOVASJONSRAMMEN),
)

SEED_CALLS: tuple[SeedCall, ...] = (
    MATURE_CLUSTERS_2021,
    CIRCULAR_VALUE_CHAINS_2023,
    INNOVASJONSRAMMEN_2018_2,
)


def seed_call(code: str) -> SeedCall:
    """The seed call with this code; KeyError names the unknown code."""
    for call in SEED_CALLS:
        if call.code == code:
            return call
    raise KeyError(code)
