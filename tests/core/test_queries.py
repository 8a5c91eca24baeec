from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dft.core.models import Deal
from dft.core.queries import DealFilter, count_matching, fetch_deal_ids
from tests.factories import add_deal


@pytest.fixture
def named(session: Session) -> Session:
    for name, number, notes in (
        ("Ann Smith", "C-100", ""),
        ("Bob SMITHERS", "C-101", ""),
        ("Cy Jones", "50%_OFF", "called SMITH's office"),
        ("Dee Park", "C-103", "nothing"),
    ):
        add_deal(session, client_name=name, contract_number=number, notes=notes,
                 fell_through_on=date(2026, 10, 1))  # fmt: skip
    return session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smith", {"Ann Smith", "Bob SMITHERS", "Cy Jones"}),
        ("  SMITH ", {"Ann Smith", "Bob SMITHERS", "Cy Jones"}),
        ("c-10", {"Ann Smith", "Bob SMITHERS", "Dee Park"}),
        ("50%", {"Cy Jones"}),
        ("%", {"Cy Jones"}),  # a literal percent sign, not "anything"
        ("_", {"Cy Jones"}),
        ("nobody", set()),
    ],
)
def test_text_search_is_case_insensitive_and_literal(
    named: Session, text: str, expected: set[str]
) -> None:
    ids = fetch_deal_ids(named, DealFilter(text=text))
    names = set(named.scalars(select(Deal.client_name).where(Deal.id.in_(ids))))
    assert names == expected
    assert count_matching(named, DealFilter(text=text)) == len(expected)


def test_text_search_reads_the_trigram_indexes_of_each_database() -> None:
    query = DealFilter(text="Smith").apply(select(Deal.id))
    on_postgresql = str(query.compile(dialect=postgresql.dialect()))
    assert on_postgresql.count("search_text LIKE") == 2  # deals and calls, GIN-indexed
    assert " OR " not in on_postgresql  # an OR with a subquery would read every deal
    on_sqlite = str(query.compile(dialect=sqlite.dialect()))
    assert "deals_search MATCH" in on_sqlite
    assert "follow_ups_search MATCH" in on_sqlite
    short = str(DealFilter(text="Sm").apply(select(Deal.id)).compile(dialect=sqlite.dialect()))
    assert "MATCH" not in short  # no trigram in two characters: the folded text is scanned
    assert "search_text LIKE" in short
