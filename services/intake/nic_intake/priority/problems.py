"""The problem types of Innovasjonsrammen's stages, with their nb/en titles."""

from __future__ import annotations

from nic_shared.problems import register_titles

TITLES: dict[str, tuple[str, str]] = {
    "cluster-stage-not-open": (
        "Klyngene sender forslag etter søknadsfristen",
        "Clusters forward after the call's deadline",
    ),
    "cluster-deadline-passed": ("Klyngens frist er passert", "The cluster's deadline has passed"),
    "priority-not-cluster-proposal": (
        "Ikke et forslag sendt til klyngen",
        "Not a proposal sent to the cluster",
    ),
    "proposal-not-recommended": (
        "Forslaget er ikke anbefalt",
        "The proposal is not recommended",
    ),
    "proposal-already-followed": (
        "Forslaget har allerede en søknad i trinn 2",
        "The proposal already has a second-stage application",
    ),
}


def register() -> None:
    register_titles(TITLES)
