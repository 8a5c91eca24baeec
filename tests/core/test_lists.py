from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dft.core.deals import get_deal
from dft.core.errors import ValidationError
from dft.core.lists import (
    list_entries,
    merge_salespeople,
    referral_lead_source_ids,
    resolve_entry,
    set_lead_source_referral,
)
from dft.core.models import LeadSource, Salesperson
from tests.factories import add_deal


def test_a_name_matches_whatever_its_case_and_spacing(session: Session) -> None:
    dana = resolve_entry(session, Salesperson, "Dana Whitfield", create=True)
    assert resolve_entry(session, Salesperson, "  dana   WHITFIELD ") is dana


def test_a_near_miss_is_refused_with_a_suggestion(session: Session) -> None:
    resolve_entry(session, Salesperson, "Dana Whitfield", create=True)
    with pytest.raises(ValidationError, match="did you mean 'Dana Whitfield'"):
        resolve_entry(session, Salesperson, "Dana Whitfeld")
    created = resolve_entry(session, Salesperson, "Dana Whitfeld", create=True)
    assert created is not None
    assert [e.name for e in list_entries(session, Salesperson)] == [
        "Dana Whitfeld",
        "Dana Whitfield",
    ]


def test_a_new_database_has_lead_sources_with_referral_marked(session: Session) -> None:
    referral = resolve_entry(session, LeadSource, "referral")
    assert referral is not None
    assert referral.is_referral


def test_the_referral_lead_sources_are_listed_by_id(session: Session) -> None:
    names = {e.id: e.name for e in list_entries(session, LeadSource)}
    assert {names[i] for i in referral_lead_source_ids(session)} == {"Referral", "Repeat buyer"}
    web = next(i for i, name in names.items() if name == "Web")
    set_lead_source_referral(session, web, True)
    assert web in referral_lead_source_ids(session)


def test_merging_two_spellings_of_a_salesperson(session: Session) -> None:
    right = resolve_entry(session, Salesperson, "Marcus Bell", create=True)
    wrong = resolve_entry(session, Salesperson, "Marcus Bel", create=True)
    assert right is not None
    assert wrong is not None
    deal_id = add_deal(session, salesperson="Marcus Bel")
    assert merge_salespeople(session, wrong.id, right.id) == 1
    assert get_deal(session, deal_id).input.salesperson == "Marcus Bell"
    assert [e.name for e in list_entries(session, Salesperson)] == ["Marcus Bell"]
