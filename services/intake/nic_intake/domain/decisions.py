"""The rules of a funding decision, free of HTTP and Kafka.

A decision follows the published ranking: never more than recommended unless the officer
says why, never beyond the call's budget frame, approved by a second officer (four-eyes),
answered by a granted applicant before its acceptance deadline, and appealable for three
weeks from the letter (forvaltningsloven §§ 27 and 29). Money left by a decline or a lapse
goes to the next reserve in ranking order, while it fits in the frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from nic_intake.domain.deadline import in_oslo

APPEAL_WEEKS = 3


class Outcome(StrEnum):
    GRANTED = "granted"
    REJECTED = "rejected"
    RESERVE = "reserve"


class Answer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"


class DecisionRuleBroken(Exception):
    """A decision rule refused the change; `rule` is stable, `field` names the input."""

    def __init__(self, rule: str, field: str, message_en: str, message_nb: str) -> None:
        super().__init__(message_en)
        self.rule = rule
        self.field = field
        self.message_en = message_en
        self.message_nb = message_nb


def check_amount(
    *,
    outcome: Outcome,
    amount_nok: int,
    recommended_nok: int,
    amount_reason: str | None,
    committed_elsewhere_nok: int,
    frame_nok: int,
) -> None:
    """A granted amount is positive, at most the recommendation (unless a reason is given)
    and, with everything else granted in the call, within the budget frame."""
    if outcome is not Outcome.GRANTED:
        if amount_nok != 0:
            raise DecisionRuleBroken(
                "amount_only_when_granted",
                "amount_nok",
                f"only a granted decision has an amount; {outcome.value} has 0",
                f"bare et tilsagn har et beløp; {outcome.value} har 0",
            )
        return
    if amount_nok <= 0:
        raise DecisionRuleBroken(
            "amount_positive",
            "amount_nok",
            "a granted decision has an amount above 0",
            "et tilsagn har et beløp over 0",
        )
    if amount_nok > recommended_nok and not (amount_reason or "").strip():
        raise DecisionRuleBroken(
            "amount_above_recommendation",
            "amount_reason",
            f"NOK {amount_nok} is above the recommended NOK {recommended_nok}: give a reason",
            f"{amount_nok} kr er over innstilt {recommended_nok} kr: oppgi en begrunnelse",
        )
    if committed_elsewhere_nok + amount_nok > frame_nok:
        left = max(frame_nok - committed_elsewhere_nok, 0)
        raise DecisionRuleBroken(
            "amount_above_frame",
            "amount_nok",
            f"NOK {amount_nok} exceeds the budget frame: NOK {left} of {frame_nok} is left",
            f"{amount_nok} kr går over budsjettrammen: {left} kr av {frame_nok} kr er igjen",
        )


def check_four_eyes(*, created_by: str, approver: str) -> None:
    """The officer who approves is not the one who made the decision."""
    if created_by == approver:
        raise DecisionRuleBroken(
            "four_eyes",
            "approved_by",
            "a decision is approved by a second officer, not by the one who made it",
            "et vedtak godkjennes av en annen saksbehandler enn den som fattet det",
        )


def check_answer(*, outcome: Outcome, answered: bool, deadline: datetime, now: datetime) -> None:
    """A granted applicant answers once, before the acceptance deadline."""
    if outcome is not Outcome.GRANTED:
        raise DecisionRuleBroken(
            "answer_only_when_granted",
            "outcome",
            "only a granted decision is accepted or declined",
            "bare et tilsagn kan aksepteres eller avslås",
        )
    if answered:
        raise DecisionRuleBroken(
            "answered_once",
            "answer",
            "this decision has already been answered",
            "tilsagnet er allerede besvart",
        )
    if now > deadline:
        raise DecisionRuleBroken(
            "acceptance_deadline",
            "acceptance_deadline",
            f"the acceptance deadline {deadline.isoformat()} has passed",
            f"svarfristen {in_oslo(deadline):%d.%m.%Y %H:%M} er passert",
        )


def appeal_deadline(letter_at: datetime) -> date:
    """Three weeks from the letter, as an Oslo calendar date (forvaltningsloven § 29)."""
    return in_oslo(letter_at).date() + timedelta(weeks=APPEAL_WEEKS)


def acceptance_deadline(decided_at: datetime, days: int) -> datetime:
    """The end (23:59:59 Oslo) of the day `days` after the decision."""
    local = in_oslo(decided_at)
    end = (local + timedelta(days=days)).replace(hour=23, minute=59, second=59, microsecond=0)
    return end


@dataclass(frozen=True)
class Reserve:
    """A reserve in the published ranking: its decision id, rank and requested amount."""

    decision_id: object
    rank: int
    amount_nok: int


def promotions(reserves: Iterable[Reserve], *, available_nok: int) -> list[Reserve]:
    """The reserves the freed money reaches, strictly in ranking order.

    The next reserve is promoted when its amount fits in what is left of the frame; the
    first that does not fit stops the list (a lower-ranked cheaper reserve never jumps it).
    """
    chosen: list[Reserve] = []
    left = available_nok
    for reserve in sorted(reserves, key=lambda r: r.rank):
        if reserve.amount_nok > left:
            break
        chosen.append(reserve)
        left -= reserve.amount_nok
    return chosen
