from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.callers import advise_caller, same_person
from dft.core.follow_ups import record_follow_up
from dft.core.lists import resolve_entry
from dft.core.models import Salesperson
from tests.factories import add_deal

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("caller", "salesperson", "same"),
    [
        ("Dana Whitfield", "Dana Whitfield", True),
        ("  dana   WHITFIELD ", "Dana Whitfield", True),
        ("Marcus Bell", "Dana Whitfield", False),
        ("", "Dana Whitfield", False),
        (None, None, False),
        ("Dana Whitfield", None, False),
    ],
)
def test_same_person_ignores_case_and_spaces(
    caller: str | None, salesperson: str | None, same: bool
) -> None:
    assert same_person(caller, salesperson) is same


def test_the_rule_is_off_by_default_so_nothing_is_flagged(session: Session) -> None:
    deal_id = add_deal(session, salesperson="Dana Whitfield")
    advice = advise_caller(session, deal_id, "dana whitfield", today=TODAY)
    assert advice.own_salesperson
    assert not advice.rule_on
    assert not advice.breaks_rule
    assert advice.message == ""
    assert advice.suggestion is None


def test_with_the_rule_on_the_own_salesperson_is_flagged_and_the_least_busy_other_suggested(
    session: Session,
) -> None:
    settings.set_bool(session, settings.CALLS_BY_SOMEONE_ELSE, True)
    for name in ("Marcus Bell", "Priya Raman", "Old Hand"):
        resolve_entry(session, Salesperson, name, create=True)
    retired = resolve_entry(session, Salesperson, "Old Hand")
    assert retired is not None
    retired.retired = True
    deal_id = add_deal(session, salesperson="Dana Whitfield")
    other = add_deal(session, salesperson="Dana Whitfield", client_name="Other Client")
    # Marcus made a call this month; Priya none: she is suggested.
    record_follow_up(
        session, other, outcome="voicemail", done_at=datetime(2026, 11, 20, 9), caller="marcus bell"
    )
    advice = advise_caller(session, deal_id, "Dana Whitfield", today=TODAY)
    assert advice.breaks_rule
    assert advice.suggestion == "Priya Raman"
    assert "Priya Raman" in advice.message
    fine = advise_caller(session, deal_id, "Marcus Bell", today=TODAY)
    assert not fine.breaks_rule
    assert fine.suggestion == "Priya Raman"
