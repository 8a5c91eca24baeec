from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.deals import get_deal, trash_deal
from dft.core.errors import ValidationError
from dft.core.follow_ups import (
    MAX_CALLER_LENGTH,
    Due,
    ScheduledCall,
    cancel_follow_up,
    open_follow_ups,
    record_follow_up,
    schedule_follow_up,
    scheduled_call,
    unrecord_follow_up,
)
from dft.core.models import FollowUp
from dft.core.taxonomy import find_cause
from tests.factories import add_deal

CALL = datetime(2026, 10, 17, 10, 30)


def test_a_reached_call_that_confirms_makes_the_cause_confirmed(session: Session) -> None:
    deal_id = add_deal(session)
    recorded = record_follow_up(
        session,
        deal_id,
        outcome="reached",
        done_at=CALL,
        caller="Dana",
        client_words="The lot failed the perc test.",
        cause_result="confirmed",
    )
    detail = get_deal(session, deal_id)
    assert detail.input.cause_status == "confirmed"
    assert detail.cause == "Lot not buildable"
    [call] = detail.follow_ups
    assert call.id == recorded.follow_up_id  # filled the scheduled call rather than adding one
    assert (call.outcome, call.caller, call.cause_result) == ("reached", "Dana", "confirmed")
    assert call.client_words == "The lot failed the perc test."


def test_a_call_that_changes_the_cause_keeps_the_first_guess(session: Session) -> None:
    deal_id = add_deal(session, cause="Buyer circumstances/Bought elsewhere / changed mind")
    real = find_cause(session, "Staff too busy / unresponsive")
    record_follow_up(
        session,
        deal_id,
        outcome="reached",
        done_at=CALL,
        cause_result="changed",
        changed_to_cause_id=real.id,
    )
    detail = get_deal(session, deal_id)
    assert (detail.category, detail.cause) == ("Customer service", real.name)
    assert detail.first_cause == "Bought elsewhere / changed mind"
    assert detail.input.cause_status == "confirmed"
    assert detail.cause_changed


def test_voicemail_schedules_the_next_try(session: Session) -> None:
    deal_id = add_deal(session)
    record_follow_up(session, deal_id, outcome="voicemail", done_at=CALL)
    calls = get_deal(session, deal_id).follow_ups
    assert [(c.outcome, c.due_on) for c in calls] == [
        ("voicemail", date(2026, 10, 18)),
        (None, date(2026, 10, 18)),
    ]
    assert get_deal(session, deal_id).input.cause_status == "suspected"


def test_declined_schedules_nothing_more(session: Session) -> None:
    deal_id = add_deal(session)
    record_follow_up(session, deal_id, outcome="declined", done_at=CALL)
    assert [c.outcome for c in get_deal(session, deal_id).follow_ups] == ["declined"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "voicemail", "cause_result": "confirmed"}, "cause_result"),
        ({"outcome": "reached", "cause_result": "changed"}, "changed_to_cause_id"),
        ({"outcome": "yelled"}, "outcome"),
        ({"outcome": "reached", "done_at": datetime(2026, 1, 1)}, "done_at"),
        ({"outcome": "reached", "caller": "x" * 121}, "caller"),
    ],
)
def test_impossible_call_records_are_refused(
    session: Session, kwargs: dict[str, object], field: str
) -> None:
    deal_id = add_deal(session)
    kwargs.setdefault("done_at", CALL)
    with pytest.raises(ValidationError) as caught:
        record_follow_up(session, deal_id, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert session.scalar(select(FollowUp.done_at).where(FollowUp.deal_id == deal_id)) is None


def test_open_follow_ups_are_sorted_and_marked_overdue_today_upcoming(session: Session) -> None:
    overdue = add_deal(session, client_name="Overdue", fell_through_on=date(2026, 11, 1))
    due_today = add_deal(session, client_name="Today", fell_through_on=date(2026, 11, 21))
    upcoming = add_deal(session, client_name="Upcoming", fell_through_on=date(2026, 11, 23))
    done = add_deal(session, client_name="Done", fell_through_on=date(2026, 11, 2))
    record_follow_up(session, done, outcome="declined", done_at=datetime(2026, 11, 5, 9))
    trashed = add_deal(session, client_name="Trashed", fell_through_on=date(2026, 11, 2))
    trash_deal(session, trashed)

    rows = open_follow_ups(session, date(2026, 11, 24))
    assert [(r.deal_id, r.due) for r in rows] == [
        (overdue, Due.OVERDUE),
        (due_today, Due.TODAY),
        (upcoming, Due.UPCOMING),
    ]
    assert rows[0].days_overdue(date(2026, 11, 24)) == 20


def test_open_follow_ups_carry_the_clients_phone_and_e_mail(session: Session) -> None:
    add_deal(session, client_phone="919-555-0142", client_email="pat@example.com")
    [row] = open_follow_ups(session, date(2026, 11, 24))
    assert (row.client_phone, row.client_email) == ("919-555-0142", "pat@example.com")


def test_a_follow_up_cannot_be_scheduled_before_the_deal_fell_through(session: Session) -> None:
    deal_id = add_deal(session)
    with pytest.raises(ValidationError, match="before the deal fell through"):
        schedule_follow_up(session, deal_id, date(2026, 1, 1))


def test_a_callers_name_fits_the_column_on_both_databases(session: Session) -> None:
    deal_id = add_deal(session)
    longest = "C" * MAX_CALLER_LENGTH
    record_follow_up(session, deal_id, outcome="voicemail", done_at=CALL, caller=f" {longest} ")
    assert [c.caller for c in get_deal(session, deal_id).follow_ups] == [longest, longest]
    with pytest.raises(ValidationError, match="longer than 120 characters") as caught:
        schedule_follow_up(session, deal_id, date(2026, 12, 1), caller=longest + "C")
    assert caught.value.field == "caller"
    assert len(get_deal(session, deal_id).follow_ups) == 2


def _state(session: Session, deal_id: int) -> tuple[object, ...]:
    detail = get_deal(session, deal_id)
    return (
        detail.cause,
        detail.first_cause,
        detail.input.cause_status,
        [(c.due_on, c.outcome, c.caller, c.notes, c.cause_result) for c in detail.follow_ups],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"outcome": "reached", "cause_result": "confirmed", "caller": "Dana"},
        {"outcome": "voicemail"},
        {"outcome": "declined", "notes": "Do not call again."},
    ],
)
def test_unrecording_a_call_restores_the_deal_and_the_schedule(
    session: Session, kwargs: dict[str, object]
) -> None:
    deal_id = add_deal(session)
    before = _state(session, deal_id)
    recorded = record_follow_up(session, deal_id, done_at=CALL, **kwargs)  # type: ignore[arg-type]
    assert _state(session, deal_id) != before
    unrecord_follow_up(session, recorded)
    assert _state(session, deal_id) == before


def test_unrecording_a_cause_change_and_an_extra_call(session: Session) -> None:
    deal_id = add_deal(session)
    record_follow_up(session, deal_id, outcome="declined", done_at=CALL)
    before = _state(session, deal_id)
    new_cause = find_cause(session, "Rude or dismissive remark")
    recorded = record_follow_up(
        session,
        deal_id,
        outcome="reached",
        done_at=CALL,
        cause_result="changed",
        changed_to_cause_id=new_cause.id,
    )
    assert not recorded.filled_scheduled
    unrecord_follow_up(session, recorded)
    assert _state(session, deal_id) == before


def test_a_scheduled_call_reads_as_its_date_and_caller(session: Session) -> None:
    deal_id = add_deal(session)
    follow_up_id = schedule_follow_up(session, deal_id, date(2026, 12, 1), caller="Dana")
    assert scheduled_call(session, follow_up_id) == ScheduledCall(
        follow_up_id, deal_id, date(2026, 12, 1), "Dana"
    )
    cancel_follow_up(session, follow_up_id)
    assert scheduled_call(session, follow_up_id) is None


def test_a_scheduled_call_can_be_cancelled_but_a_made_one_cannot(session: Session) -> None:
    deal_id = add_deal(session)
    [scheduled] = get_deal(session, deal_id).follow_ups
    cancel_follow_up(session, scheduled.id)
    assert get_deal(session, deal_id).follow_ups == ()
    made = record_follow_up(session, deal_id, outcome="declined", done_at=CALL)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        cancel_follow_up(session, made.follow_up_id)


def test_a_call_settling_a_controllable_cause_schedules_the_win_back_and_undo_removes_it(
    session: Session,
) -> None:
    from dft.core import settings

    settings.set_bool(session, settings.WIN_BACK_CALLS, True)
    deal_id = add_deal(session)  # land: no win-back call when logged
    assert [f.purpose for f in get_deal(session, deal_id).follow_ups] == ["cause"]
    service = find_cause(session, "Slow response / long waits")
    recorded = record_follow_up(
        session,
        deal_id,
        outcome="reached",
        done_at=CALL,
        cause_result="changed",
        changed_to_cause_id=service.id,
    )
    calls = get_deal(session, deal_id).follow_ups
    assert [(f.purpose, f.done_at is None) for f in calls] == [
        ("cause", False),
        ("win_back", True),
    ]
    assert calls[1].due_on == date(2027, 1, 13)
    # A second settling call does not add another win-back call.
    record_follow_up(session, deal_id, outcome="reached", done_at=CALL, cause_result="confirmed")
    assert sum(f.purpose == "win_back" for f in get_deal(session, deal_id).follow_ups) == 1
    unrecord_follow_up(
        session,
        record_follow_up(session, deal_id, outcome="declined", done_at=CALL, purpose="win_back"),
    )
    unrecord_follow_up(session, recorded)
    # Undoing the settling call takes its win-back call with it (the later call stays).
    purposes = [f.purpose for f in get_deal(session, deal_id).follow_ups]
    assert purposes == ["cause", "cause"]


def test_a_cause_call_never_fills_the_win_back_call_and_a_win_back_retry_stays_win_back(
    session: Session,
) -> None:
    from dft.core import settings

    settings.set_bool(session, settings.WIN_BACK_CALLS, True)
    deal_id = add_deal(session, "Customer service/Rude or dismissive remark")
    record_follow_up(session, deal_id, outcome="reached", done_at=CALL, cause_result="confirmed")
    second = record_follow_up(session, deal_id, outcome="reached", done_at=CALL)
    assert not second.filled_scheduled  # the open win-back call was left alone
    win_back = record_follow_up(
        session, deal_id, outcome="voicemail", done_at=datetime(2027, 1, 13, 10),
        purpose="win_back", today=date(2027, 1, 13),
    )  # fmt: skip
    assert win_back.filled_scheduled
    retry = session.get(FollowUp, win_back.retry_follow_up_id)
    assert retry is not None
    assert (retry.purpose, retry.due_on) == ("win_back", date(2027, 1, 14))
    open_calls = open_follow_ups(session, date(2027, 1, 20))
    assert [c.purpose for c in open_calls] == ["win_back"]
    with pytest.raises(ValidationError, match="Purpose"):
        record_follow_up(session, deal_id, outcome="reached", done_at=CALL, purpose="sales")
