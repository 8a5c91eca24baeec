"""The two splits and the deals on neither side, by key, whatever the categories are called."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import by_cause
from dft.analytics.split import cause_split
from dft.analytics.summary import month_summary
from dft.core.queries import DealFilter
from dft.core.taxonomy import add_category, add_cause, find_category, rename_category
from tests.factories import add_deal, allow_deals_without_cause

OCTOBER = date(2026, 10, 1)


def deals(session: Session, cause: str, count: int) -> None:
    for i in range(count):
        add_deal(session, cause, fell_through_on=date(2026, 10, 1 + i))


@pytest.fixture
def mixed(session: Session) -> Session:
    """6 land, 14 service, 5 financing, 3 pending, 2 in a new category, 1 with no cause."""
    deals(session, "Lot not buildable", 6)
    deals(session, "Slow response / long waits", 14)
    deals(session, "Loan denied", 5)
    deals(session, "Not yet known/Unknown — pending call", 3)
    warranty = add_category(session, "Warranty")  # nobody has classified it yet
    add_cause(session, warranty, "Roof leak")
    deals(session, "Warranty/Roof leak", 2)
    allow_deals_without_cause(session)
    add_deal(session, None, fell_through_on=date(2026, 10, 9))
    return session


def test_each_deal_is_on_one_side_or_shown_apart(mixed: Session) -> None:
    split = month_summary(mixed, OCTOBER).split
    assert (split.deals, split.land, split.service) == (31, 6, 14)
    assert (split.controllable, split.not_controllable) == (14, 11)
    assert (split.pending, split.unclassified, split.no_cause) == (3, 2, 1)
    assert (
        split.controllable
        + split.not_controllable
        + split.pending
        + split.unclassified
        + (split.no_cause)
        == split.deals
    )


def test_the_lines_name_their_base(mixed: Session) -> None:
    assert month_summary(mixed, OCTOBER).split.lines() == [
        "Land vs service: 30% land / 70% service, of the 20 deals whose cause was land or service",
        "Controllable 56% / not controllable 44%, of the 25 deals in categories marked "
        "controllable or not",
        "3 deals await their call (cause not known yet)",
        "2 deals in categories not classified yet — left out of the split",
        "1 deal with no cause — left out of the split",
    ]


def test_renamed_headline_categories_still_split(session: Session) -> None:
    rename_category(session, find_category(session, "Land").id, "Lot & land")
    rename_category(session, find_category(session, "Customer service").id, "Service")
    deals(session, "Lot not buildable", 1)
    deals(session, "Slow response / long waits", 3)
    split = cause_split(by_cause(session, DealFilter()), 4)
    assert (split.land, split.service) == (1, 3)
    assert split.lines()[0].startswith("Land vs service: 25% land / 75% service")


def test_one_deal_awaiting_its_call_reads_in_the_singular(session: Session) -> None:
    deals(session, "Not yet known/Unknown — pending call", 1)
    split = cause_split(by_cause(session, DealFilter()), 1)
    assert split.lines() == ["1 deal awaits its call (cause not known yet)"]
    assert split.land_share is None
    assert split.controllable_share is None
