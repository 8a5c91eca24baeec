"""Search without case or accents, in every script, through every write path."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from dft.core.deal_input import deal_input_of, with_changes
from dft.core.deals import live_deal, purge_deal, restore_deal, trash_deal, update_deal
from dft.core.follow_ups import record_follow_up
from dft.core.models import Deal
from dft.core.queries import DealFilter, count_matching, fetch_deal_ids, fetch_deal_rows
from dft.core.search import deal_search_text, deal_search_texts, fold
from tests.factories import add_deal

FELL = date(2026, 10, 1)


def found(session: Session, term: str) -> set[str]:
    ids = fetch_deal_ids(session, DealFilter(text=term, today=date(2026, 11, 1)))
    assert count_matching(session, DealFilter(text=term, today=date(2026, 11, 1))) == len(ids)
    return set(session.scalars(select(Deal.client_name).where(Deal.id.in_(ids))))


@pytest.mark.parametrize(
    ("value", "folded"),
    [
        ("Müller", "muller"),
        ("ÉLODIE", "elodie"),
        ("Straße", "strasse"),
        ("Søren Łódź", "soren lodz"),  # letters Unicode does not decompose
        ("ΣΊΣΥΦΟΣ", "σισυφοσ"),
        ("Ｆｕｌｌ", "full"),  # full-width letters
        ("한국어", "한국어"),  # Hangul syllables composed again
        ("がっこう", "がっこう"),  # kana voicing marks kept: が is not か
    ],
)
def test_fold_takes_off_case_and_accents_only(value: str, folded: str) -> None:
    assert fold(value) == folded


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12), st.none() | st.text(max_size=6), st.none() | st.text(max_size=12))
def test_a_deals_search_text_is_its_fields_folded_one_a_line(
    client: str, number: str | None, notes: str | None
) -> None:
    expected = "\n".join(fold(v) for v in (client, number, notes) if v)
    assert deal_search_text(client, number, notes) == expected
    ascii_only = [v.encode("ascii", "ignore").decode() if v else v for v in (client, number, notes)]
    assert deal_search_text(*ascii_only) == "\n".join(v.lower() for v in ascii_only if v)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(("Pat Lee", "Élodie", "Ann")),
            st.sampled_from((None, "", "C-1", "Ж-2")),
            st.sampled_from(("", "a note", "Straße\nzwei")),
        ),
        max_size=5,
    )
)
def test_many_deals_search_texts_are_each_ones(deals: list[tuple[str, str | None, str]]) -> None:
    fields = [list(field) for field in zip(*deals, strict=True)] if deals else [[], [], []]
    assert deal_search_texts(*fields) == [deal_search_text(*deal) for deal in deals]


@pytest.fixture
def people(session: Session) -> Session:
    for name, notes in (
        ("Hans Müller", "wants the lot back"),
        ("Élodie Martin", "Ελληνικά: ο πελάτης θέλει έκπτωση"),
        ("Ivan Petrov", "Клиент переехал в Москву"),
        ("Yuki Tanaka", "東京の転勤で解約"),
        ("Ann Smith", "nothing special"),
    ):
        add_deal(session, client_name=name, notes=notes, fell_through_on=FELL)
    return session


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("müller", {"Hans Müller"}),
        ("MULLER", {"Hans Müller"}),  # accents ignored as well as case
        ("ÉLODIE", {"Élodie Martin"}),
        ("elodie", {"Élodie Martin"}),
        ("ΈΚΠΤΩΣΗ", {"Élodie Martin"}),  # Greek, a word inside the notes, any case
        ("москву", {"Ivan Petrov"}),  # Cyrillic
        ("МОСКВУ", {"Ivan Petrov"}),
        ("転勤", {"Yuki Tanaka"}),  # CJK: two characters, no trigram; scanned
        ("東京の転勤", {"Yuki Tanaka"}),
        ("mü", {"Hans Müller"}),  # two characters: the folded scan
        ("n", {"Hans Müller", "Élodie Martin", "Ivan Petrov", "Yuki Tanaka", "Ann Smith"}),
        ("lot back", {"Hans Müller"}),
        ("zebra", set()),
    ],
)
def test_search_ignores_case_and_accents_in_every_script(
    people: Session, term: str, expected: set[str]
) -> None:
    assert found(people, term) == expected


def test_a_word_inside_a_call_note_finds_the_deal(session: Session) -> None:
    deal_id = add_deal(session, client_name="Cy Jones", fell_through_on=FELL)
    add_deal(session, client_name="Dee Park", fell_through_on=FELL)
    record_follow_up(
        session,
        deal_id,
        outcome="reached",
        done_at=datetime(2026, 10, 20, 10),
        notes="Die Bank hat die Finanzierung abgelehnt, sagt Frau Größe",
        client_words="Ипотеку не одобрили",
    )
    assert found(session, "finanzierung") == {"Cy Jones"}
    assert found(session, "GROSSE") == {"Cy Jones"}  # ß folds to ss
    assert found(session, "одобрили") == {"Cy Jones"}


def test_edits_trash_restore_and_purge_keep_the_search_right(session: Session) -> None:
    deal_id = add_deal(session, client_name="Zoë Quist", notes="old words", fell_through_on=FELL)
    assert found(session, "zoe") == {"Zoë Quist"}
    update_deal(
        session, deal_id, with_changes(deal_input_of(live_deal(session, deal_id)), notes="Novo")
    )
    session.flush()
    assert found(session, "old words") == set()
    assert found(session, "novo") == {"Zoë Quist"}
    trash_deal(session, deal_id)
    session.flush()
    assert found(session, "novo") == set()
    assert fetch_deal_ids(session, DealFilter(text="novo", in_trash=True)) == [deal_id]
    restore_deal(session, deal_id)
    session.flush()
    assert found(session, "novo") == {"Zoë Quist"}
    trash_deal(session, deal_id)
    purge_deal(session, deal_id)
    session.flush()
    assert found(session, "novo") == set()
    assert session.scalar(select(Deal.id).where(Deal.search_text.like("%novo%"))) is None


def test_a_bulk_insert_is_searchable_without_the_orm(session: Session) -> None:
    """Import and the sample data insert plain rows: the column's default folds them."""
    from sqlalchemy import insert

    session.execute(
        insert(Deal),
        [
            {"client_name": "Søren Kierkegaard", "contract_value_cents": 1,
             "fell_through_on": FELL},
            {"client_name": "Ана Иванова", "contract_value_cents": 1, "fell_through_on": FELL,
             "contract_number": "ÄB-7", "notes": ""},
        ],
    )  # fmt: skip
    assert found(session, "soren") == {"Søren Kierkegaard"}
    assert found(session, "иванова") == {"Ана Иванова"}
    assert found(session, "ab-7") == {"Ана Иванова"}


def test_a_core_update_of_the_folded_text_reaches_the_index(session: Session) -> None:
    deal_id = add_deal(session, client_name="Pat Lee", fell_through_on=FELL)
    session.execute(
        update(Deal)
        .where(Deal.id == deal_id)
        .values(search_text=deal_search_text("Pat Lee", None, "Überraschung"))
    )
    assert found(session, "uberraschung") == {"Pat Lee"}


def test_a_term_with_quotes_and_operators_is_literal(session: Session) -> None:
    add_deal(session, client_name='Ed "Fast" Eddie', notes="AND OR NOT * ^", fell_through_on=FELL)
    add_deal(session, client_name="Other", fell_through_on=FELL)
    assert found(session, '"fast"') == {'Ed "Fast" Eddie'}
    assert found(session, "or not *") == {'Ed "Fast" Eddie'}
    assert found(session, "%") == set()


@pytest.mark.sqlite_only
def test_sqlite_keeps_the_trigram_index_whole(people: Session) -> None:
    connection = people.connection()
    for table in ("deals_search", "follow_ups_search"):
        connection.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))


def test_without_pg_trgm_the_search_still_finds_by_scanning(
    people: Session, caplog: pytest.LogCaptureFixture
) -> None:
    from dft.core.dialects import NO_TRIGRAMS, create_search_indexes

    connection = people.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("about PostgreSQL's extension")
    connection.execute(text("DROP EXTENSION pg_trgm CASCADE"))  # its indexes go with it
    connection.execute(text("CREATE ROLE dft_without_extensions NOLOGIN"))
    connection.execute(text("SET ROLE dft_without_extensions"))  # may not create extensions
    assert create_search_indexes(connection) is False
    connection.execute(text("RESET ROLE"))
    connection.execute(text("DROP ROLE dft_without_extensions"))  # roles outlive the database
    assert NO_TRIGRAMS in caplog.text
    assert found(people, "ΈΚΠΤΩΣΗ") == {"Élodie Martin"}
    assert found(people, "müller") == {"Hans Müller"}


@pytest.mark.sqlite_only
def test_sqlite_looks_the_term_up_in_the_trigram_index_not_in_every_deal(
    people: Session,
) -> None:
    from dft.core.queries import _order_by, join_deal_names

    query = DealFilter(text="müller").apply(
        join_deal_names(select(Deal.id), "fell_through_on").order_by(
            *_order_by("fell_through_on", True)
        )
    )
    compiled = query.compile(people.get_bind())
    plan = [
        row[-1]
        for row in people.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}",
            tuple(compiled.params[name] for name in compiled.positiontup or ()),
        )
    ]
    assert "SCAN deals_search VIRTUAL TABLE INDEX 0:M1" in plan
    assert "SCAN follow_ups_search VIRTUAL TABLE INDEX 0:M1" in plan
    assert not any(step.startswith(("SCAN deals ", "SCAN follow_ups ")) for step in plan), plan


def test_postgresql_can_answer_from_the_trigram_indexes(people: Session) -> None:
    connection = people.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("about PostgreSQL's plan")
    connection.execute(text("SET LOCAL enable_seqscan = off"))  # five deals: else a scan wins
    query = DealFilter(text="müller").apply(select(Deal.id))
    compiled = query.compile(people.get_bind())
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    )
    assert "ix_deals_search_text_trgm" in plan
    assert "ix_follow_ups_search_text_trgm" in plan


def test_a_deal_whose_notes_and_call_both_hold_the_word_counts_once(session: Session) -> None:
    deal_id = add_deal(
        session, client_name="Bo Lind", notes="Umzug nach Bern", fell_through_on=FELL
    )
    record_follow_up(
        session, deal_id, outcome="reached", done_at=datetime(2026, 10, 20, 10), notes="Umzug"
    )
    trashed = add_deal(session, client_name="Al Roth", notes="Umzug", fell_through_on=FELL)
    trash_deal(session, trashed)
    session.flush()
    assert found(session, "umzug") == {"Bo Lind"}  # found() checks the count too


def _many_namesakes(session: Session) -> list[int]:
    """Thirty Garcías over thirty days and ten others: most deals hold the name."""
    ids = [
        add_deal(session, client_name=f"María García {n}", fell_through_on=date(2026, 9, 1 + n))
        for n in range(30)
    ]
    for n in range(10):
        add_deal(session, client_name=f"Other {n}", fell_through_on=date(2026, 9, 1 + n))
    trash_deal(session, ids[-1])  # the newest García is in the trash
    session.flush()
    return ids


@pytest.mark.parametrize("descending", [True, False])
def test_a_first_page_read_in_date_order_is_the_same_page(
    session: Session, descending: bool
) -> None:
    ids = _many_namesakes(session)
    garcia = DealFilter(text="GARCIA", today=date(2026, 11, 1))
    matching = count_matching(session, garcia)
    assert matching == len(ids) - 1
    page = fetch_deal_rows(session, garcia, descending=descending, limit=5, matching=matching)
    looked_up = fetch_deal_rows(session, garcia, descending=descending, limit=5)
    assert [row.id for row in page] == [row.id for row in looked_up]
    assert [row.id for row in page] == fetch_deal_ids(session, garcia, descending=descending)[:5]


def _statement_of_first_page(session: Session, matching: int | None) -> str:
    """The SQL fetch_deal_rows sends for the first 5 Garcías."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        fetch_deal_rows(session, DealFilter(text="garcia"), limit=5, matching=matching)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    [statement] = [s for s in sent if "deals_search" in s]
    return statement


@pytest.mark.sqlite_only
def test_a_common_term_walks_the_date_index_and_a_rare_one_looks_its_matches_up(
    session: Session,
) -> None:
    _many_namesakes(session)
    walked = _statement_of_first_page(session, matching=29)  # 5 x 40 deals < 29 x 29
    assert "+deals.id IN" in walked
    assert "+deals.id IN" not in _statement_of_first_page(session, matching=None)
    assert "+deals.id IN" not in _statement_of_first_page(session, matching=2)
    steps = [
        row[-1]
        for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + walked, ('"garcia"', '"garcia"', 5, 0)
        )
    ]
    assert "SCAN deals USING INDEX ix_deals_live_fell_through_on" in steps, steps
