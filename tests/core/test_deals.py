from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.deal_input import validate_deal_input, with_changes
from dft.core.deals import (
    ContractNumberUse,
    contract_number_use,
    count_deals,
    empty_trash,
    get_deal,
    live_deal_with_contract_number,
    log_deal,
    purge_deal,
    purge_deals,
    restore_deal,
    trash_deal,
    update_deal,
)
from dft.core.errors import ConflictError, NotFoundError, ValidationError
from dft.core.models import Deal, FollowUp
from dft.core.taxonomy import find_cause, set_cause_retired
from dft.store.database import Database
from tests.factories import add_deal, deal_input

TODAY = date(2026, 11, 24)


def test_logging_a_deal_stores_every_field(session: Session) -> None:
    data = deal_input(
        session,
        contract_number=" C-100 ",
        salesperson="Dana Whitfield",
        lead_source="Referral",
        community="Cedar Ridge",
        lot="Lot 7",
        stage="Permitting",
        responsible_role="Project manager",
        cancelled_by="buyer",
        deposit_cents=500_000,
        deposit_outcome="forfeited",
        notes="  PM never called back.  ",
        contributing_cause_ids=(find_cause(session, "Slow response / long waits").id,),
    )
    deal_id = log_deal(session, data, create_names=True, today=TODAY)
    detail = get_deal(session, deal_id)
    assert detail.input.contract_number == "C-100"
    assert detail.input.salesperson == "Dana Whitfield"
    assert detail.input.lead_source == "Referral"
    assert detail.input.deposit_outcome == "forfeited"
    assert detail.input.notes == "PM never called back."
    assert (detail.category, detail.cause) == ("Land", "Lot not buildable")
    assert (detail.first_category, detail.first_cause) == ("Land", "Lot not buildable")
    assert detail.contributing_causes == ("Slow response / long waits",)
    assert detail.input.cause_status == "suspected"


def test_a_new_deal_gets_a_follow_up_due_three_days_after_it_fell_through(
    session: Session,
) -> None:
    deal_id = add_deal(session, fell_through_on=date(2026, 10, 15))
    due = session.scalars(select(FollowUp.due_on).where(FollowUp.deal_id == deal_id)).all()
    assert due == [date(2026, 10, 18)]


def test_a_deal_logged_late_gets_its_first_call_today_not_overdue(session: Session) -> None:
    deal_id = add_deal(session, fell_through_on=date(2026, 10, 15), today=TODAY)
    due = session.scalars(select(FollowUp.due_on).where(FollowUp.deal_id == deal_id)).all()
    assert due == [TODAY]


def test_a_deal_logged_at_once_gets_its_first_call_after_the_usual_delay(
    session: Session,
) -> None:
    deal_id = add_deal(session, fell_through_on=TODAY - timedelta(days=1), today=TODAY)
    due = session.scalars(select(FollowUp.due_on).where(FollowUp.deal_id == deal_id)).all()
    assert due == [TODAY + timedelta(days=2)]


def test_a_deal_without_a_cause_is_refused_while_the_team_requires_one(
    session: Session,
) -> None:
    assert settings.get_bool(session, settings.CAUSE_REQUIRED) is True  # the default
    before = count_deals(session)
    with pytest.raises(ValidationError) as refused:
        add_deal(session, cause=None)
    assert refused.value.field == "cause_id"
    assert "Unknown — pending call" in refused.value.message
    assert count_deals(session) == before
    pending = add_deal(session, cause="Not yet known/Unknown — pending call")
    assert get_deal(session, pending).cause == "Unknown — pending call"
    settings.set_bool(session, settings.CAUSE_REQUIRED, False)
    assert get_deal(session, add_deal(session, cause=None)).cause is None


def test_the_clients_phone_e_mail_and_crm_link_are_kept(session: Session) -> None:
    deal_id = add_deal(
        session,
        client_phone=" +1 (919) 555-0142 ",
        client_email="maria.lopez@example.com",
        crm_link="https://crm.example.com/deals/2041",
    )
    data = get_deal(session, deal_id).input
    assert (data.client_phone, data.client_email, data.crm_link) == (
        "+1 (919) 555-0142",
        "maria.lopez@example.com",
        "https://crm.example.com/deals/2041",
    )
    update_deal(session, deal_id, with_changes(data, client_phone="", client_email=None))
    data = get_deal(session, deal_id).input
    assert (data.client_phone, data.client_email) == (None, None)
    changes = {(h.field, h.old_value) for h in get_deal(session, deal_id).history}
    assert ("Phone", "+1 (919) 555-0142") in changes


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("client_phone", "call me maybe", "Not a phone number"),
        ("client_phone", "919\x00555", "control character"),
        ("client_phone", "1" * 41, "at most 40 fit"),
        ("client_email", "maria at example", "Not an e-mail address"),
        ("client_email", "maria@example", "Not an e-mail address"),
        ("crm_link", "crm.example.com/deals/1", "Not a web address"),
        ("crm_link", "https://x.example/" + "a" * 1000, "at most 1,000 fit"),
    ],
)
def test_a_contact_that_cannot_be_used_is_refused_naming_the_field(
    session: Session, field: str, value: str, said: str
) -> None:
    data = with_changes(deal_input(session), **{field: value})
    [error] = validate_deal_input(data, TODAY)
    assert error.field == field
    assert said in error.message
    with pytest.raises(ValidationError):
        log_deal(session, data, today=TODAY)


def test_the_follow_up_delay_is_a_setting(session: Session) -> None:
    settings.set_int(session, settings.FOLLOW_UP_DAYS, 7)
    deal_id = add_deal(session, fell_through_on=date(2026, 10, 15))
    assert session.scalar(select(FollowUp.due_on).where(FollowUp.deal_id == deal_id)) == date(
        2026, 10, 22
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_name": "  "}, "client_name"),
        ({"contract_value_cents": -1}, "contract_value_cents"),
        ({"signed_on": date(2026, 10, 16)}, "fell_through_on"),
        ({"fell_through_on": TODAY + timedelta(days=30)}, "fell_through_on"),
        ({"fell_through_on": date(24, 10, 1), "signed_on": None}, "fell_through_on"),
        ({"recovered_on": date(2026, 10, 1)}, "recovered_on"),
        ({"cancelled_by": "lender"}, "cancelled_by"),
        ({"deposit_cents": -100}, "deposit_cents"),
        ({"cause_status": "confirmed", "cause_id": None}, "cause_status"),
    ],
)
def test_invalid_input_is_refused_naming_the_field_and_nothing_is_written(
    session: Session, changes: dict[str, object], field: str
) -> None:
    data = with_changes(deal_input(session), **changes)
    assert [e.field for e in validate_deal_input(data, TODAY)] == [field]
    before = count_deals(session)
    with pytest.raises(ValidationError) as caught:
        log_deal(session, data, today=TODAY)
    assert caught.value.field == field
    assert count_deals(session) == before


def test_a_live_contract_number_cannot_be_used_twice(session: Session) -> None:
    first = add_deal(session, contract_number="C-1", client_name="First")
    with pytest.raises(ValidationError, match=f"deal #{first}"):
        add_deal(session, contract_number="C-1")


def test_a_live_deal_is_found_by_its_contract_number(session: Session) -> None:
    trashed = add_deal(session, contract_number="C-7", client_name="Trashed")
    trash_deal(session, trashed)
    live = add_deal(session, contract_number="C-7", client_name="Live")
    add_deal(session, contract_number="C-70", client_name="Longer number")
    assert live_deal_with_contract_number(session, "C-7") == live
    assert live_deal_with_contract_number(session, "  C-7 ") == live
    assert live_deal_with_contract_number(session, "c-7") is None  # as stored, like the check
    assert live_deal_with_contract_number(session, "C-") is None
    assert live_deal_with_contract_number(session, " ") is None


def test_a_retired_cause_cannot_be_picked_for_a_new_deal(session: Session) -> None:
    cause = find_cause(session, "Land/Lot not buildable")
    set_cause_retired(session, cause.id)
    with pytest.raises(ValidationError, match="retired"):
        add_deal(session)


def test_a_deal_keeps_its_retired_cause_when_edited(session: Session) -> None:
    deal_id = add_deal(session)
    set_cause_retired(session, find_cause(session, "Land/Lot not buildable").id)
    detail = get_deal(session, deal_id)
    update_deal(session, deal_id, with_changes(detail.input, notes="edited"), today=TODAY)
    assert get_deal(session, deal_id).cause == "Lot not buildable"


def test_editing_bumps_the_version_and_keeps_the_first_cause(session: Session) -> None:
    deal_id = add_deal(session)
    detail = get_deal(session, deal_id)
    new_cause = find_cause(session, "Phone tag / voicemail runaround")
    version = update_deal(
        session,
        deal_id,
        with_changes(detail.input, cause_id=new_cause.id, client_name="Pat Changed"),
        expected_version=detail.version,
        today=TODAY,
    )
    after = get_deal(session, deal_id)
    assert version == detail.version + 1 == after.version
    assert after.input.client_name == "Pat Changed"
    assert after.cause == "Phone tag / voicemail runaround"
    assert after.first_cause == "Lot not buildable"
    assert after.cause_changed


def test_an_edit_from_a_stale_version_is_a_conflict_and_writes_nothing(
    database: Database,
) -> None:
    with database.sessions.begin() as session:
        deal_id = add_deal(session)
        started_from = get_deal(session, deal_id)
    with database.sessions.begin() as other_user:
        update_deal(other_user, deal_id, with_changes(started_from.input, notes="theirs"))
    with database.sessions.begin() as session, pytest.raises(ConflictError):
        update_deal(
            session,
            deal_id,
            with_changes(started_from.input, notes="mine"),
            expected_version=started_from.version,
        )
    with database.sessions.begin() as session:
        assert get_deal(session, deal_id).input.notes == "theirs"


def test_trash_restore_purge(session: Session) -> None:
    deal_id = add_deal(session)
    trash_deal(session, deal_id)
    assert count_deals(session) == 0
    assert count_deals(session, in_trash=True) == 1
    with pytest.raises(NotFoundError):
        trash_deal(session, deal_id)
    restore_deal(session, deal_id)
    assert count_deals(session) == 1
    with pytest.raises(ValidationError, match="trash"):
        purge_deal(session, deal_id)
    trash_deal(session, deal_id)
    purge_deal(session, deal_id)
    assert session.scalar(select(func.count()).select_from(Deal)) == 0
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_purging_several_deals_and_emptying_the_trash(session: Session) -> None:
    ids = [add_deal(session, contract_number=f"P-{n}") for n in range(4)]
    kept = add_deal(session, contract_number="P-kept")
    for deal_id in ids:
        trash_deal(session, deal_id)
    assert purge_deals(session, ids[:2]) == 2
    assert count_deals(session, in_trash=True) == 2
    with pytest.raises(ValidationError, match="trash"):
        purge_deals(session, [kept])
    assert empty_trash(session) == 2
    assert count_deals(session, in_trash=True) == 0
    assert count_deals(session) == 1


def test_who_uses_a_contract_number_leaves_out_the_trash_and_the_deal_edited(
    session: Session,
) -> None:
    first = add_deal(session, contract_number="C-7", client_name="First")
    assert contract_number_use(session, "C-7") == ContractNumberUse(first, "First")
    assert contract_number_use(session, "C-7", other_than=first) is None
    assert contract_number_use(session, "C-8") is None
    trash_deal(session, first)
    assert contract_number_use(session, "C-7") is None


def test_restore_is_refused_when_the_contract_number_was_reused(session: Session) -> None:
    old = add_deal(session, contract_number="C-9")
    trash_deal(session, old)
    add_deal(session, contract_number="C-9", client_name="Corrected entry")
    with pytest.raises(ValidationError, match="C-9"):
        restore_deal(session, old)
    assert count_deals(session, in_trash=True) == 1


def test_a_name_added_by_someone_else_a_moment_ago_is_said_plainly(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.core import lists

    with database.sessions.begin() as session:
        add_deal(session, salesperson="Dana Whitfield")
    # Another desk added the name after this one looked it up: the lookup saw nothing.
    monkeypatch.setattr(lists, "find_entry", lambda *_a: None)
    with pytest.raises(ValidationError) as caught, database.sessions.begin() as session:
        add_deal(session, salesperson="Dana Whitfield", contract_number="RACE-1")
    assert caught.value.field == "salesperson"
    assert "Someone else added this salesperson a moment ago" in caught.value.message
    monkeypatch.undo()
    with database.sessions.begin() as session:
        add_deal(session, salesperson="Dana Whitfield", contract_number="RACE-1")  # saved again


def test_resale_date_and_price_are_stored_checked_and_in_the_history(session: Session) -> None:
    deal_id = add_deal(session)
    detail = get_deal(session, deal_id)
    resold = with_changes(detail.input, resold_on=date(2026, 11, 20), resale_price_cents=24_000_000)
    update_deal(session, deal_id, resold, today=TODAY)
    detail = get_deal(session, deal_id)
    assert (detail.input.resold_on, detail.input.resale_price_cents) == (
        date(2026, 11, 20),
        24_000_000,
    )
    fields = {change.field: change.new_value for change in detail.history}
    assert fields["Re-sold on"] == "2026-11-20"
    assert fields["Re-sale price"] == "$240,000.00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"resold_on": date(2026, 10, 1)}, "resold_on", "before the deal fell through"),
        ({"resold_on": date(2026, 12, 1)}, "resold_on", "future"),
        ({"resold_on": date(2026, 11, 1), "resale_price_cents": -1}, "resale_price_cents", "neg"),
        ({"resale_price_cents": 100}, "resold_on", "date the home was re-sold"),
        (
            {"resold_on": date(2026, 11, 1), "resale_price_cents": 10**15 + 1},
            "resale_price_cents",
            "implausibly",
        ),
    ],
)
def test_bad_resale_values_are_refused_naming_the_field(
    session: Session, changes: dict[str, object], field: str, message: str
) -> None:
    data = with_changes(deal_input(session), **changes)
    errors = validate_deal_input(data, TODAY)
    assert [e.field for e in errors] == [field]
    assert message in errors[0].message
    with pytest.raises(ValidationError):
        log_deal(session, data, today=TODAY)


def test_a_controllable_fall_through_gets_a_win_back_call_only_when_they_are_on(
    session: Session,
) -> None:
    service = "Customer service/Rude or dismissive remark"
    off = add_deal(session, service)
    assert [f.purpose for f in get_deal(session, off).follow_ups] == ["cause"]
    settings.set_bool(session, settings.WIN_BACK_CALLS, True)
    on = add_deal(session, service, client_name="Second Client")
    land = add_deal(session, client_name="Land Client")
    pending = add_deal(session, "Not yet known/Unknown — pending call", client_name="Pending")
    calls = get_deal(session, on).follow_ups
    assert [(f.purpose, f.due_on) for f in calls] == [
        ("cause", date(2026, 10, 18)),
        ("win_back", date(2027, 1, 13)),  # 90 days after 2026-10-15
    ]
    assert [f.purpose for f in get_deal(session, land).follow_ups] == ["cause"]
    assert [f.purpose for f in get_deal(session, pending).follow_ups] == ["cause"]
