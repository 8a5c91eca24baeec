"""``dft call``: log a follow-up call on a deal, as the window's call dialog does.

The deal is named by its contract number, or by its id: a contract number wins (deal
#12 can have contract number 7), and ``--id`` always means the id.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_OK, in_transaction

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from dft.core.deals import DealDetail
    from dft.core.follow_ups import RecordedCall

# What the call came to, in the line printed afterwards.
OUTCOME_WORDS = {
    "reached": "reached the client",
    "voicemail": "left a voicemail",
    "no_answer": "no answer",
    "declined": "the client declined to talk",
}

# The service names the fields it refuses; the user typed flags.
_FLAGS = {"done_at": "--on", "caller": "--caller", "changed_to_cause_id": "--change-to"}

# Ids are 64-bit integers at most; a larger number cannot name a deal.
_LARGEST_ID = 2**63 - 1


def cmd_call(args: argparse.Namespace) -> int:
    """Record one call on a deal and say in one line what it did."""
    from dft.core.callers import advise_caller
    from dft.core.clock import today
    from dft.core.dates import parse_iso_date
    from dft.core.deals import get_deal

    done_at = _call_time(parse_iso_date(args.on, "--on"))
    outcome = args.outcome.replace("-", "_")

    def work(session: Session) -> int:
        before = _find_deal(session, args)
        # Asked before the call is in, so the suggestion weighs the calls made until now.
        advice = advise_caller(session, before.id, args.caller, today=today())
        recorded = _record(session, before.id, args, outcome, done_at)
        after = get_deal(session, before.id)
        print(f"Call logged on {_deal_label(after)}: {_what_happened(before, after, recorded)}.")
        if advice.breaks_rule:
            # Logged all the same (the call happened); stderr keeps stdout one line.
            print(f"dft call: note: {' '.join(args.caller.split())} is this deal's salesperson. "
                  f"{advice.message}", file=sys.stderr)  # fmt: skip
        return EXIT_OK

    return in_transaction(args, work)


def _call_time(day: date) -> datetime:
    """The day given at the current time of day: what the window's dialog records when
    only its date is changed."""
    from datetime import datetime

    return datetime.combine(day, datetime.now().time()).replace(second=0, microsecond=0)


def _find_deal(session: Session, args: argparse.Namespace) -> DealDetail:
    from dft.core.deals import get_deal, live_deal_with_contract_number
    from dft.core.errors import ValidationError

    if args.id is not None:
        return _live_deal(session, args.id, "--id", f"id {args.id}")
    found = live_deal_with_contract_number(session, args.deal)
    if found is not None:
        return get_deal(session, found)
    digits = args.deal.strip()
    if digits.isascii() and digits.isdecimal():
        return _live_deal(session, int(digits), "DEAL", f"contract number or id {digits!r}")
    raise ValidationError("DEAL", f"no deal has contract number {args.deal!r}")


def _live_deal(session: Session, deal_id: int, field: str, wanted: str) -> DealDetail:
    from dft.core.deals import get_deal
    from dft.core.errors import NotFoundError, ValidationError

    try:
        detail = get_deal(session, deal_id) if 0 < deal_id <= _LARGEST_ID else None
    except NotFoundError:
        detail = None
    if detail is None:
        raise ValidationError(field, f"no deal has {wanted}")
    if detail.deleted_at is not None:
        raise ValidationError(field, f"deal #{deal_id} is in the trash; restore it first")
    return detail


def _record(
    session: Session, deal_id: int, args: argparse.Namespace, outcome: str, done_at: datetime
) -> RecordedCall:
    """Fill the deal's earliest open call (else a new one), as the window does."""
    from dft.core.errors import ValidationError
    from dft.core.follow_ups import record_follow_up
    from dft.core.taxonomy import find_cause

    new_cause = find_cause(session, args.change_to, "--change-to") if args.change_to else None
    try:
        return record_follow_up(
            session,
            deal_id,
            outcome=outcome,
            done_at=done_at,
            caller=args.caller,
            client_words=args.client_words,
            cause_result=_cause_result(args),
            changed_to_cause_id=new_cause.id if new_cause else None,
            notes=args.notes,
        )
    except ValidationError as exc:
        raise ValidationError(_flag(exc.field, args), exc.message) from exc


def _cause_result(args: argparse.Namespace) -> str | None:
    if args.confirm:
        return "confirmed"
    return "changed" if args.change_to else None


def _flag(field: str, args: argparse.Namespace) -> str:
    """The flag behind a field the service refused."""
    if field == "cause_result":
        return "--confirm" if args.confirm else "--change-to"
    return _FLAGS.get(field, field)


def _cause(category: str | None, cause: str | None) -> str:
    return f"{category}/{cause}" if cause else "no cause"


def _deal_label(deal: DealDetail) -> str:
    number = deal.input.contract_number
    contract = f", contract {number}" if number else ""
    return f"deal #{deal.id} ({deal.input.client_name}{contract})"


def _what_happened(before: DealDetail, after: DealDetail, recorded: RecordedCall) -> str:
    """``left a voicemail; completed the call due 2026-10-06; next try due 2026-10-07``"""
    call = next(c for c in after.follow_ups if c.id == recorded.follow_up_id)
    assert call.outcome is not None
    said = OUTCOME_WORDS[call.outcome]
    if call.cause_result == "confirmed":
        said += f", cause confirmed: {_cause(after.category, after.cause)}"
    elif call.cause_result == "changed":
        said += (
            f", cause changed from {_cause(before.category, before.cause)}"
            f" to {_cause(after.category, after.cause)}"
        )
    parts = [said]
    if recorded.filled_scheduled:
        parts.append(f"completed the call due {call.due_on.isoformat()}")
    retry = next((c for c in after.follow_ups if c.id == recorded.retry_follow_up_id), None)
    if retry is not None:
        parts.append(f"next try due {retry.due_on.isoformat()}")
    return "; ".join(parts)
