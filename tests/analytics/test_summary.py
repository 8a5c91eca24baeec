"""The month summary against a hand-computed fixture."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from dft.analytics.summary import NO_CAUSE_YET, month_summary
from dft.core.deals import trash_deal
from dft.core.taxonomy import find_cause, set_cause_retired
from tests.factories import add_deal, allow_deals_without_cause

LAND_CAUSES = ["Lot not buildable"] * 4 + ["Utilities or access"] * 3
SERVICE_CAUSES = ["Staff too busy / unresponsive"] * 10 + ["Phone tag / voicemail runaround"] * 7


@pytest.fixture
def october(session: Session) -> Session:
    """7 land and 17 customer-service deals in October 2026, noise around them."""
    for i, cause in enumerate(LAND_CAUSES):
        add_deal(
            session,
            cause=cause,
            contract_value_cents=30_000_001 + i,
            fell_through_on=date(2026, 10, 1 + i),
            signed_on=None,
        )
    for i, cause in enumerate(SERVICE_CAUSES):
        add_deal(
            session,
            cause=cause,
            contract_value_cents=25_000_099,
            fell_through_on=date(2026, 10, 31 - i % 20),
            signed_on=None,
        )
    add_deal(session, cause="Loan denied", fell_through_on=date(2026, 9, 30), signed_on=None)
    add_deal(session, cause="Loan denied", fell_through_on=date(2026, 11, 1), signed_on=None)
    trashed = add_deal(session, cause="Lot not buildable", fell_through_on=date(2026, 10, 10))
    trash_deal(session, trashed)
    return session


def test_seven_land_and_seventeen_service_deals(october: Session) -> None:
    summary = month_summary(october, date(2026, 10, 1))
    assert summary.month == "2026-10"
    assert summary.deals == 24
    land_value = sum(30_000_001 + i for i in range(7))
    service_value = 17 * 25_000_099
    assert summary.lost_value_cents == land_value + service_value
    by_name = {c.name: c for c in summary.categories}
    assert [c.name for c in summary.categories] == [
        "Land",
        "Customer service",
        "Financing",
        "Buyer circumstances",
        "Other",
        "Not yet known",
    ]
    assert by_name["Land"].deals == 7
    assert round(by_name["Land"].share * 100, 1) == 29.2
    assert by_name["Land"].lost_value_cents == land_value
    assert by_name["Customer service"].deals == 17
    assert round(by_name["Customer service"].share * 100, 1) == 70.8
    assert by_name["Customer service"].lost_value_cents == service_value
    assert by_name["Financing"].deals == 0
    assert [(c.name, c.deals) for c in summary.causes] == [
        ("Staff too busy / unresponsive", 10),
        ("Phone tag / voicemail runaround", 7),
        ("Lot not buildable", 4),
        ("Utilities or access", 3),
    ]
    assert sum(c.share for c in summary.causes) == pytest.approx(1.0)


def test_an_empty_month(october: Session) -> None:
    summary = month_summary(october, date(2026, 8, 1))
    assert (summary.deals, summary.lost_value_cents, summary.causes) == (0, 0, ())
    assert all(c.deals == 0 and c.share == 0 for c in summary.categories)


def test_deals_with_no_cause_yet_and_retired_causes_still_count(session: Session) -> None:
    allow_deals_without_cause(session)
    add_deal(session, cause=None, fell_through_on=date(2026, 10, 5))
    add_deal(session, cause="Loan denied", fell_through_on=date(2026, 10, 6))
    set_cause_retired(session, find_cause(session, "Loan denied").id)
    summary = month_summary(session, date(2026, 10, 1))
    by_name = {c.name: c for c in summary.categories}
    assert summary.deals == 2
    assert by_name[NO_CAUSE_YET].deals == 1
    assert by_name["Financing"].deals == 1
    assert [c.name for c in summary.causes] == ["Loan denied"]
