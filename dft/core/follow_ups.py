"""Follow-up calls: scheduling them, recording attempts, and what is due.

A cause starts *suspected*; a call that reaches the client either confirms it
or changes it (the first-recorded cause is kept on the deal).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dft.core import clock, history, settings
from dft.core.choices import CallOutcome, CallPurpose, CauseResult, CauseStatus
from dft.core.clock import utc_now
from dft.core.deals import live_deal
from dft.core.errors import ConflictError, NotFoundError, ValidationError
from dft.core.fields import check_text
from dft.core.identity import current_user
from dft.core.models import Category, Cause, Deal, FollowUp, Salesperson
from dft.core.queries import join_deal_names
from dft.core.win_back import win_back_due_on

P = ParamSpec("P")
R = TypeVar("R")


# The caller column's length: checked here so SQLite and PostgreSQL accept the same names.
MAX_CALLER_LENGTH = 120


def _caller_name(caller: str | None) -> str | None:
    """The caller as stored: trimmed, ``None`` when blank; no control characters."""
    check_text("caller", "Caller name", caller, None)
    cleaned = (caller or "").strip()
    if len(cleaned) > MAX_CALLER_LENGTH:
        raise ValidationError(
            "caller", f"Caller name is longer than {MAX_CALLER_LENGTH} characters."
        )
    return cleaned or None


def schedule_follow_up(
    session: Session, deal_id: int, due_on: date, *, caller: str | None = None, notes: str = ""
) -> int:
    """Plan a call on a live deal for ``due_on``; returns the new call's id."""
    check_text("notes", "Notes", notes, None, multiline=True)
    deal = live_deal(session, deal_id)
    if due_on < deal.fell_through_on:
        raise ValidationError("due_on", "A follow-up cannot be due before the deal fell through.")
    follow_up = FollowUp(due_on=due_on, caller=_caller_name(caller), notes=notes.strip())
    deal.follow_ups.append(follow_up)
    session.flush()
    return follow_up.id


@dataclass(frozen=True)
class RecordedCall:
    """What recording a call changed, so it can be taken back exactly (undo)."""

    follow_up_id: int
    deal_id: int
    filled_scheduled: bool
    scheduled_caller: str | None
    scheduled_notes: str
    retry_follow_up_id: int | None
    previous_cause_id: int | None
    previous_first_cause_id: int | None
    previous_cause_status: str
    win_back_follow_up_id: int | None = (
        None  # scheduled because the call settled a controllable cause
    )


def _stale_is_a_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """On a team server another desk can change the deal at the same moment; its
    version column catches that, and the user is told instead of a crash."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StaleDataError as exc:
            raise ConflictError(
                "Someone else changed this deal while you were recording the call; nothing "
                "of yours was saved. Look at the deal again, then record the call."
            ) from exc

    return wrapper


@_stale_is_a_conflict
def record_follow_up(
    session: Session,
    deal_id: int,
    *,
    outcome: str,
    done_at: datetime | None = None,
    caller: str | None = None,
    client_words: str = "",
    cause_result: str | None = None,
    changed_to_cause_id: int | None = None,
    notes: str = "",
    follow_up_id: int | None = None,
    retry_on: date | None = None,
    purpose: str = CallPurpose.CAUSE.value,
    today: date | None = None,
) -> RecordedCall:
    """Record one call attempt on a deal (``today``: the user's day, for tests).

    The attempt fills the given scheduled follow-up, else the earliest one of
    its ``purpose`` still open, else it is a new row. A call that did not reach
    the client (voicemail, no answer) schedules the next try unless one is
    already open. A call that settles the cause as a controllable one schedules
    the win-back call when those are on and the deal has none yet.
    """
    if purpose not in set(CallPurpose):
        raise ValidationError("purpose", "Purpose must be 'cause' or 'win_back'.")
    if outcome not in set(CallOutcome):
        raise ValidationError(
            "outcome", "Outcome must be reached, voicemail, no answer or declined."
        )
    if cause_result is not None and cause_result not in set(CauseResult):
        raise ValidationError("cause_result", "Cause result must be 'confirmed' or 'changed'.")
    if cause_result is not None and outcome != CallOutcome.REACHED:
        raise ValidationError(
            "cause_result", "Only a call that reached the client can confirm or change the cause."
        )
    if (cause_result == CauseResult.CHANGED) != (changed_to_cause_id is not None):
        raise ValidationError(
            "changed_to_cause_id",
            "Pick the new cause when the call changed it (and only then).",
        )
    caller = _caller_name(caller)
    # Tabs and line breaks are fine in what the client said and in notes; NUL and the
    # like never are (dft/core/fields.py).
    check_text("client_words", "The client's words", client_words, None, multiline=True)
    check_text("notes", "Notes", notes, None, multiline=True)
    deal = live_deal(session, deal_id)
    done_at = done_at or utc_now()
    if done_at.date() < deal.fell_through_on:
        raise ValidationError(
            "done_at", "A follow-up call cannot come before the deal fell through."
        )
    # A day's grace: the time is stored in UTC, which may be tomorrow already.
    if done_at.date() > (today or clock.today()) + timedelta(days=1):
        raise ValidationError(
            "done_at", "A call cannot be recorded before it is made; schedule it instead."
        )

    previous = (deal.cause_id, deal.first_cause_id, deal.cause_status)
    if follow_up_id is not None:
        follow_up = session.get(FollowUp, follow_up_id)
        if follow_up is None or follow_up.deal_id != deal.id:
            raise NotFoundError(f"No follow-up #{follow_up_id} on deal #{deal_id}.")
        if follow_up.done_at is not None:
            raise ValidationError("follow_up", "This follow-up was already recorded.")
        purpose = follow_up.purpose
    else:
        follow_up = session.scalar(
            select(FollowUp)
            .where(
                FollowUp.deal_id == deal.id,
                FollowUp.done_at.is_(None),
                FollowUp.purpose == purpose,
            )
            .order_by(FollowUp.due_on, FollowUp.id)
            .limit(1)
        )
        if follow_up is None:
            follow_up = FollowUp(due_on=done_at.date(), purpose=purpose)
            deal.follow_ups.append(follow_up)
    filled_scheduled = follow_up.id is not None
    scheduled_caller, scheduled_notes = follow_up.caller, follow_up.notes or ""

    new_cause: Cause | None = None
    if cause_result == CauseResult.CONFIRMED:
        if deal.cause_id is None:
            raise ValidationError(
                "cause_result", "The deal has no cause yet; choose 'changed' and pick the cause."
            )
    elif cause_result == CauseResult.CHANGED:
        new_cause = session.get(Cause, changed_to_cause_id)
        if new_cause is None:
            raise ValidationError("changed_to_cause_id", f"No cause with id {changed_to_cause_id}.")
        if new_cause.retired:
            raise ValidationError(
                "changed_to_cause_id", f"The cause {new_cause.name!r} is retired."
            )

    follow_up.done_at = done_at
    follow_up.outcome = outcome
    follow_up.caller = caller or follow_up.caller
    follow_up.client_words = client_words.strip()
    follow_up.cause_result = cause_result
    follow_up.changed_to_cause_id = changed_to_cause_id
    follow_up.notes = "\n".join(p for p in (follow_up.notes, notes.strip()) if p)

    before = (deal.cause, deal.cause_status)
    if cause_result is not None:
        if deal.first_cause_id is None and deal.first_cause is None:
            deal.first_cause = deal.cause or new_cause
        if new_cause is not None:
            deal.cause = new_cause
        deal.cause_status = CauseStatus.CONFIRMED.value
        _record_cause_change(session, deal, before, f"follow-up call ({outcome})")

    retry: FollowUp | None = None
    if outcome in (CallOutcome.VOICEMAIL, CallOutcome.NO_ANSWER):
        still_open = session.scalar(
            select(FollowUp.id).where(
                FollowUp.deal_id == deal.id,
                FollowUp.done_at.is_(None),
                FollowUp.id != follow_up.id,
                FollowUp.purpose == purpose,
            )
        )
        if still_open is None:
            days = settings.get_int(session, settings.FOLLOW_UP_RETRY_DAYS)
            retry = FollowUp(
                due_on=retry_on or (done_at.date() + timedelta(days=days)),
                caller=caller,
                purpose=purpose,
            )
            deal.follow_ups.append(retry)
    win_back: FollowUp | None = None
    if cause_result is not None and not any(
        f.purpose == CallPurpose.WIN_BACK for f in deal.follow_ups
    ):
        cause_id = deal.cause.id if deal.cause is not None else None
        due = win_back_due_on(session, cause_id, deal.fell_through_on)
        if due is not None:
            win_back = FollowUp(due_on=due, purpose=CallPurpose.WIN_BACK.value)
            deal.follow_ups.append(win_back)
    session.flush()
    return RecordedCall(
        follow_up_id=follow_up.id,
        deal_id=deal.id,
        filled_scheduled=filled_scheduled,
        scheduled_caller=scheduled_caller,
        scheduled_notes=scheduled_notes,
        retry_follow_up_id=retry.id if retry is not None else None,
        previous_cause_id=previous[0],
        previous_first_cause_id=previous[1],
        previous_cause_status=previous[2],
        win_back_follow_up_id=win_back.id if win_back is not None else None,
    )


def _cause_text(cause: Cause | None) -> str | None:
    return f"{cause.category.name} › {cause.name}" if cause is not None else None


def _record_cause_change(
    session: Session, deal: Deal, before: tuple[Cause | None, str], why: str
) -> None:
    """The cause and its status as a follow-up left them, in the deal's history."""
    who = current_user()
    if before[0] is not deal.cause:
        history.record(
            session,
            deal,
            who,
            "Cause",
            _cause_text(before[0]),
            f"{_cause_text(deal.cause)} ({why})",
        )
    if before[1] != deal.cause_status:
        history.record(
            session, deal, who, "Cause status", before[1], f"{deal.cause_status} ({why})"
        )
    deal.updated_by = who


def unrecord_follow_up(session: Session, recorded: RecordedCall) -> None:
    """Take back a recorded call: the deal's cause and the schedule return to before."""
    deal = live_deal(session, recorded.deal_id)
    follow_up = session.get(FollowUp, recorded.follow_up_id)
    if follow_up is None:
        raise NotFoundError(f"No follow-up #{recorded.follow_up_id}.")
    for added in (recorded.retry_follow_up_id, recorded.win_back_follow_up_id):
        if added is None:
            continue
        scheduled = session.get(FollowUp, added)
        if scheduled is not None and scheduled.done_at is None:
            deal.follow_ups.remove(scheduled)  # delete-orphan removes the row
    if recorded.filled_scheduled:
        follow_up.done_at = None
        follow_up.outcome = None
        follow_up.client_words = ""
        follow_up.cause_result = None
        # The id, not the relationship: the call set the id, so the relationship may
        # never have been loaded, and clearing an unloaded one writes nothing.
        follow_up.changed_to_cause_id = None
        follow_up.caller = recorded.scheduled_caller
        follow_up.notes = recorded.scheduled_notes
    else:
        deal.follow_ups.remove(follow_up)
    before = (deal.cause, deal.cause_status)
    deal.cause = (
        session.get(Cause, recorded.previous_cause_id)
        if recorded.previous_cause_id is not None
        else None
    )
    deal.first_cause = (
        session.get(Cause, recorded.previous_first_cause_id)
        if recorded.previous_first_cause_id is not None
        else None
    )
    deal.cause_status = recorded.previous_cause_status
    _record_cause_change(session, deal, before, "call undone")
    session.flush()


@dataclass(frozen=True)
class ScheduledCall:
    """When a call is (or was) due and who was to make it: what cancelling it must keep."""

    follow_up_id: int
    deal_id: int
    due_on: date
    caller: str | None


def scheduled_call(session: Session, follow_up_id: int) -> ScheduledCall | None:
    """The schedule of follow-up ``follow_up_id``; None when there is no such call."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        return None
    return ScheduledCall(follow_up.id, follow_up.deal_id, follow_up.due_on, follow_up.caller)


def cancel_follow_up(session: Session, follow_up_id: int) -> None:
    """Drop a scheduled call that has not happened (a recorded attempt stays: it is history)."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFoundError(f"No follow-up #{follow_up_id}.")
    if follow_up.done_at is not None:
        raise ValidationError("follow_up", "A recorded call cannot be cancelled.")
    follow_up.deal.follow_ups.remove(follow_up)
    session.flush()


class Due(StrEnum):
    """Where an open call stands against today."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class DueFollowUp:
    """An open call with what the Follow-ups due list shows of its deal."""

    follow_up_id: int
    deal_id: int
    client_name: str
    contract_number: str | None
    salesperson: str | None
    category: str | None
    cause: str | None
    cause_status: str
    fell_through_on: date
    due_on: date
    due: Due
    purpose: str = CallPurpose.CAUSE.value
    client_phone: str | None = None
    client_email: str | None = None

    def days_overdue(self, today: date) -> int:
        """Days past due on ``today`` (0 when not overdue)."""
        return max(0, (today - self.due_on).days)


def due_state(due_on: date, today: date) -> Due:
    """Whether a call due on ``due_on`` is overdue, due today or upcoming."""
    if due_on < today:
        return Due.OVERDUE
    if due_on == today:
        return Due.TODAY
    return Due.UPCOMING


def count_overdue(session: Session, today: date) -> int:
    """Open calls past their due date on live deals."""
    query = (
        select(func.count(FollowUp.id))
        .join(Deal, FollowUp.deal_id == Deal.id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on < today, Deal.deleted_at.is_(None))
    )
    return int(session.scalar(query) or 0)


def open_follow_ups(
    session: Session, today: date, *, horizon_days: int | None = None, limit: int | None = None
) -> list[DueFollowUp]:
    """Scheduled calls not yet made on live deals, most overdue first."""
    query = (
        join_deal_names(
            select(
                FollowUp.id,
                FollowUp.deal_id,
                Deal.client_name,
                Deal.contract_number,
                Salesperson.name,
                Category.name,
                Cause.name,
                Deal.cause_status,
                Deal.fell_through_on,
                FollowUp.due_on,
                FollowUp.purpose,
                Deal.client_phone,
                Deal.client_email,
            ).join(Deal, FollowUp.deal_id == Deal.id),
            "salesperson",
            "category",
        )
        .where(FollowUp.done_at.is_(None), Deal.deleted_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if horizon_days is not None:
        query = query.where(FollowUp.due_on <= today + timedelta(days=horizon_days))
    if limit is not None:
        query = query.limit(limit)
    return [
        DueFollowUp(
            follow_up_id=row[0],
            deal_id=row[1],
            client_name=row[2],
            contract_number=row[3],
            salesperson=row[4],
            category=row[5],
            cause=row[6],
            cause_status=row[7],
            fell_through_on=row[8],
            due_on=row[9],
            due=due_state(row[9], today),
            purpose=row[10],
            client_phone=row[11],
            client_email=row[12],
        )
        for row in session.execute(query)
    ]
