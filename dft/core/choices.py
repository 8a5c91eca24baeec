"""The values a column may take where it is one of a few: a cause's status, a call's
outcome, ... (the models check them with constraints; forms and imports offer them)."""

from __future__ import annotations

from enum import StrEnum


class CauseStatus(StrEnum):
    """Whether a deal's cause is the salesperson's guess or confirmed with the client."""

    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"


class CancelledBy(StrEnum):
    """Who cancelled the contract."""

    BUYER = "buyer"
    BUILDER = "builder"


class DepositOutcome(StrEnum):
    """What happened to the buyer's deposit."""

    REFUNDED = "refunded"
    PARTLY_REFUNDED = "partly_refunded"
    FORFEITED = "forfeited"


class CallOutcome(StrEnum):
    """How a follow-up call went."""

    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    DECLINED = "declined"


class CallPurpose(StrEnum):
    """Why a call is made: to learn the cause, or to win the buyer back later."""

    CAUSE = "cause"
    WIN_BACK = "win_back"


class CauseResult(StrEnum):
    """What a follow-up call did to the deal's cause."""

    CONFIRMED = "confirmed"
    CHANGED = "changed"
