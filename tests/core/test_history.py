"""Who changed what: the audit trail of a deal."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, restore_deal, trash_deal, update_deal
from dft.core.follow_ups import record_follow_up, unrecord_follow_up
from dft.core.taxonomy import find_cause
from tests.factories import add_deal


@pytest.fixture(autouse=True)
def user(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DFT_USER", "dana")
    return "dana"


def test_each_changed_field_is_recorded_with_user_and_time(session: Session) -> None:
    deal_id = add_deal(session, contract_value_cents=25_000_000)
    detail = get_deal(session, deal_id)
    assert (detail.created_by, detail.updated_by) == ("dana", "dana")
    assert [(h.field, h.new_value) for h in detail.history] == [("Deal", "logged")]
    new_cause = find_cause(session, "Rude or dismissive remark")
    update_deal(
        session,
        deal_id,
        with_changes(detail.input, contract_value_cents=26_000_000, cause_id=new_cause.id),
        user="marcus",
    )
    after = get_deal(session, deal_id)
    assert after.updated_by == "marcus"
    changes = {(h.field, h.old_value, h.new_value, h.changed_by) for h in after.history}
    assert ("Contract value", "$250,000.00", "$260,000.00", "marcus") in changes
    assert (
        "Cause",
        "Land › Lot not buildable",
        "Customer service › Rude or dismissive remark",
        "marcus",
    ) in changes
    assert all(isinstance(h.changed_at, datetime) for h in after.history)
    # Saving without changes adds nothing.
    update_deal(session, deal_id, get_deal(session, deal_id).input, user="marcus")
    assert len(get_deal(session, deal_id).history) == len(after.history)


def test_a_call_that_changes_the_cause_is_in_the_history_and_so_is_its_undo(
    session: Session,
) -> None:
    deal_id = add_deal(session, cause="Buyer circumstances/Family change")
    real = find_cause(session, "Staff too busy / unresponsive")
    recorded = record_follow_up(session, deal_id, outcome="reached", cause_result="changed",
                                changed_to_cause_id=real.id)  # fmt: skip
    fields = [h.field for h in get_deal(session, deal_id).history]
    assert fields[:2] == ["Cause status", "Cause"]
    newest = get_deal(session, deal_id).history
    cause_change = next(h for h in newest if h.field == "Cause")
    assert cause_change.old_value == "Buyer circumstances › Family change"
    assert cause_change.new_value.startswith("Customer service › Staff too busy")  # type: ignore[union-attr]
    unrecord_follow_up(session, recorded)
    assert "call undone" in (get_deal(session, deal_id).history[0].new_value or "")


def test_trash_and_restore_are_recorded(session: Session) -> None:
    deal_id = add_deal(session)
    trash_deal(session, deal_id)
    restore_deal(session, deal_id)
    values = [h.new_value for h in get_deal(session, deal_id).history]
    assert values[:2] == ["restored", "in the trash"]


def test_each_call_records_who_entered_it_and_who_last_changed_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = add_deal(session)  # schedules the first call, entered by dana
    scheduled = get_deal(session, deal_id).follow_ups[0]
    assert (scheduled.created_by, scheduled.updated_by) == ("dana", "dana")

    monkeypatch.setenv("DFT_USER", "marcus")
    record_follow_up(session, deal_id, outcome="no_answer", follow_up_id=scheduled.id)
    session.flush()
    called = next(f for f in get_deal(session, deal_id).follow_ups if f.id == scheduled.id)
    assert (called.created_by, called.updated_by) == ("dana", "marcus")
    retry = next(f for f in get_deal(session, deal_id).follow_ups if f.id != scheduled.id)
    assert (retry.created_by, retry.updated_by) == ("marcus", "marcus")
