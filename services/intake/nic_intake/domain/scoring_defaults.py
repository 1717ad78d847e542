"""Default scoring schemes per call scheme, as data.

Weights come from the seeds where the seeds give them (Innovasjonsrammen, seed 003); where
they do not, the choice is ours and is documented next to the numbers so a call can
override it without code.
"""

from __future__ import annotations

from decimal import Decimal

from nic_shared.events.specs import Criterion, LocalText, Scale, ScoringSchemeSpec


def _t(nb: str, en: str) -> LocalText:
    return LocalText(nb=nb, en=en)


def _c(criterion_id: str, weight: int, nb: str, en: str) -> Criterion:
    return Criterion(id=criterion_id, name=_t(nb, en), weight=weight)


FORSKNINGSRADET_SCALE = Scale(
    min=Decimal(1),
    max=Decimal(7),
    step=Decimal(1),
    labels={
        "7": _t("Fremragende", "Exceptional"),
        "6": _t("Svært godt", "Excellent"),
        "5": _t("Meget godt", "Very good"),
        "4": _t("Godt", "Good"),
        "3": _t("Mindre godt", "Fair"),
        "2": _t("Svakt", "Weak"),
        "1": _t("Dårlig", "Poor"),
    },
)
"""Forskningsrådet's 1–7 scale (REFERENCE §7.2); Innovasjon Norge's own NIC scale is not known."""

INNOVASJONSRAMMEN_SCORING = ScoringSchemeSpec(
    criteria=[
        _c(
            "strategy_anchoring",
            25,
            "Forankring i klyngens strategi",
            "Anchoring in the cluster's strategy",
        ),
        _c("novelty", 35, "Nyhetsgrad / innovasjonsgrad", "Novelty / degree of innovation"),
        _c("sustainability", 20, "Bærekraft", "Sustainability"),
        _c("ability_to_deliver", 20, "Gjennomføringsevne", "Ability to deliver"),
    ],
    scale=FORSKNINGSRADET_SCALE,
    tie_break=["novelty", "strategy_anchoring"],
)
"""Seed 003: the cluster's weighting of proposals (25/35/20/20); ties go to the heaviest."""

CIRCULAR_VALUE_CHAINS_SCORING = ScoringSchemeSpec(
    criteria=[
        _c(
            "circular_objectives",
            20,
            "Bidrag til målsetningene (industriell symbiose, sirkulære verdikjeder, "
            "mindre jomfruelige råvarer/utslipp)",
            "Contribution to the objectives (industrial symbiosis, circular value chains, "
            "fewer virgin materials/emissions)",
        ),
        _c(
            "scalability",
            15,
            "Resultater som kan spres og skaleres nasjonalt og internasjonalt",
            "Results that can spread and scale nationally and internationally",
        ),
        _c(
            "innovation_and_risk",
            15,
            "Innovasjon på minimum nasjonalt nivå og høy prosjektrisiko",
            "Innovation at least at national level, with high project risk",
        ),
        _c(
            "business_models_digitalisation",
            10,
            "Nye forretningsmodeller og/eller økt digitalisering",
            "New business models and/or more digitalisation",
        ),
        _c(
            "green_competence",
            10,
            "Økt kompetanse for nye grønne verdikjeder",
            "Competence needed for new green value chains",
        ),
        _c(
            "value_creation",
            15,
            "Økt verdiskaping og konkurransekraft hos deltagerne",
            "Value creation and competitiveness of the participants",
        ),
        _c(
            "continuation_plan",
            15,
            "Plan for videreføring eller realisering av resultatene",
            "Plan for continuing or realising the results",
        ),
    ],
    scale=FORSKNINGSRADET_SCALE,
    tie_break=["circular_objectives", "innovation_and_risk"],
)
"""Seed 004 lists six "all projects must" points and the objectives, but no weights.

Our choice: the objectives weigh most (20) because they are the call's purpose; spreading,
innovation/risk, value creation and continuation 15 each; business models and competence 10
each, as they are means rather than ends. Sum 100.
"""

MATURE_CLUSTERS_SCORING = ScoringSchemeSpec(
    criteria=[
        _c("excellence", 34, "Forskning og innovasjon", "Excellence"),
        _c("impact", 33, "Virkninger og effekter", "Impact"),
        _c("implementation", 33, "Gjennomføring", "Implementation"),
    ],
    scale=FORSKNINGSRADET_SCALE,
)
"""Seed 000 attaches its criteria as a document we do not have; default to Forskningsrådet's
three criteria (REFERENCE §7.1), weighted as equally as whole numbers allow; set per call."""

ARENA_SCORING = ScoringSchemeSpec(
    criteria=[
        _c("ambitions_and_goals", 20, "Klyngens ambisjoner og mål", "Ambitions and goals"),
        _c("resource_base", 20, "Klyngens ressursgrunnlag", "Resource base"),
        _c(
            "value_creation_potential",
            20,
            "Potensial for økt verdiskaping gjennom samarbeid",
            "Value-creation potential through collaboration",
        ),
        _c(
            "implementation_plan",
            20,
            "Godt strukturert og realiserbar gjennomføringsplan",
            "Well-structured, realistic implementation plan",
        ),
        _c(
            "ecosystem_role",
            20,
            "Klyngens rolle i innovasjonsøkosystemet",
            "The cluster's role in its innovation ecosystem",
        ),
    ],
    scale=FORSKNINGSRADET_SCALE,
)
"""Seed 002: the five qualification areas, unweighted in the seed, so equal weights."""
