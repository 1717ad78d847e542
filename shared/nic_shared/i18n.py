"""Human texts in Norwegian bokmål or English, chosen by Accept-Language (default English)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["nb", "en"]
_NORWEGIAN = {"nb", "no", "nn"}


def language(accept_language: str | None) -> Lang:
    """The first supported language in the header, honouring q-values."""
    if not accept_language:
        return "en"
    choices: list[tuple[float, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, f"{index:04d}{tag.strip().lower()}"))
    for _, ordered in sorted(choices):
        primary = ordered[4:].split("-")[0]
        if primary in _NORWEGIAN:
            return "nb"
        if primary == "en":
            return "en"
    return "en"
