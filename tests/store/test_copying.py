"""`dft copy`: a whole database to PostgreSQL and back, exactly, or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from dft.cli import main
from dft.core import settings
from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, trash_deal, update_deal
from dft.core.demo import generate_demo_data
from dft.core.follow_ups import record_follow_up
from dft.core.models import Base, Deal
from dft.core.signed_contracts import set_signed_contracts
from dft.core.taxonomy import find_cause
from dft.exchange.remembered import remember
from dft.exchange.values import DateOrder
from dft.store import copying
from dft.store.copying import CopyError, copy_database, table_checksums
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.factories import add_deal
from tests.postgres_server import PASSWORD, PostgresServer

TODAY = date(2026, 11, 24)


@pytest.fixture
def source(tmp_path: Path) -> URL:
    """A SQLite database with a row in every table and awkward values in them."""
    url = sqlite_url(tmp_path / "source.sqlite3")
    database = open_database(url)
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=400, seed=3, today=TODAY)
        odd = add_deal(
            session,
            client_name='Zoë "the client" O\'Brien — second line ✓ 😀',
            contract_value_cents=99_999_999_999,
            contract_number="Ü-1",
            notes="=SUM(A1) , ; \t tab\nsecond line",
            contributing_cause_ids=(find_cause(session, "Rude or dismissive remark").id,),
        )
        update_deal(
            session, odd, with_changes(get_deal(session, odd).input, notes="changed"), user="ann"
        )
        record_follow_up(
            session,
            odd,
            outcome="reached",
            done_at=datetime(2026, 11, 1, 9, 30, 15, 123456),
            client_words="They never called back.",
            cause_result="confirmed",
        )
        trash_deal(session, add_deal(session, client_name="Gone Client", contract_number="G-1"))
        set_signed_contracts(session, date(2026, 10, 1), 42)
        settings.set_int(session, settings.FOLLOW_UP_DAYS, 5)
        remember(  # an import's remembered mapping, with a value that is not ASCII
            session,
            "a" * 64,
            ("Deal Name", "Raison — perdue"),
            {"deal name": "client", "raison perdue": "cause"},
            DateOrder.DMY,
            {("", "dégâts"): find_cause(session, "Other").id},
        )
    database.close()
    return url


@pytest.fixture
def server_url(postgres_server: PostgresServer) -> Iterator[URL]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def checksums(url: URL) -> tuple[copying.TableCheck, ...]:
    database = open_database(url, daily_backup=False)
    try:
        with database.engine.connect() as connection:
            return table_checksums(connection)
    finally:
        database.close()


def rows(url: URL, table: str) -> list[Any]:
    database = open_database(url, daily_backup=False)
    try:
        with database.engine.connect() as connection:
            model = Base.metadata.tables[table]
            return list(connection.execute(select(model).order_by(*model.primary_key)))
    finally:
        database.close()


def test_sqlite_to_postgresql_and_back_is_identical(
    source: URL, server_url: URL, tmp_path: Path
) -> None:
    seen: dict[str, int] = {}
    there = copy_database(source, server_url, progress=seen.__setitem__)
    assert seen == {check.table: check.rows for check in there.tables}
    back_url = sqlite_url(tmp_path / "back.sqlite3")
    back = copy_database(server_url, back_url)

    assert there.tables == back.tables == checksums(source) == checksums(back_url)
    assert [check.table for check in there.tables if check.rows == 0] == []  # all exercised
    # Not only the checksums: the rows themselves, read through each database.
    for table in ("deals", "follow_ups", "deal_changes", "deal_contributing_causes"):
        assert rows(source, table) == rows(server_url, table) == rows(back_url, table)
    assert there.rows("deals") == 402


def test_after_a_copy_to_postgresql_new_deals_get_new_ids(source: URL, server_url: URL) -> None:
    copy_database(source, server_url)
    database = open_database(server_url)
    try:
        with database.sessions.begin() as session:
            highest = session.scalar(select(func.max(Deal.id)))
            assert add_deal(session, contract_number="NEW-1") == highest + 1
    finally:
        database.close()


def test_a_target_with_data_is_refused_unchanged_unless_forced(
    source: URL, server_url: URL, tmp_path: Path
) -> None:
    database = open_database(server_url)
    with database.sessions.begin() as session:
        add_deal(session, client_name="Only On The Server")
    database.close()
    before = checksums(server_url)

    with pytest.raises(CopyError, match=r"already holds data \(1 rows in deals.*--force"):
        copy_database(source, server_url)
    assert checksums(server_url) == before

    report = copy_database(source, server_url, force=True)
    assert report.replaced
    assert checksums(server_url) == checksums(source)


def test_a_target_with_its_own_causes_counts_as_holding_data(source: URL, tmp_path: Path) -> None:
    target = sqlite_url(tmp_path / "target.sqlite3")
    database = open_database(target)
    with database.sessions.begin() as session:
        find_cause(session, "Lot not buildable").name = "Lot unbuildable"
    database.close()
    with pytest.raises(CopyError, match="its own causes"):
        copy_database(source, target)


def test_a_copy_that_does_not_read_back_identical_is_not_kept(
    source: URL, server_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_before = checksums(server_url)
    real = copying.table_checksums

    def one_row_lost(connection: Any, only: Any = None) -> tuple[copying.TableCheck, ...]:
        checks = real(connection, only)
        if connection.dialect.name != "postgresql":
            return checks
        return tuple(
            copying.TableCheck(c.table, c.rows - 1, c.checksum) if c.table == "deals" else c
            for c in checks
        )

    monkeypatch.setattr(copying, "table_checksums", one_row_lost)
    with pytest.raises(CopyError, match=r"nothing was kept: deals \(402 rows copied, 401"):
        copy_database(source, server_url)
    monkeypatch.undo()
    assert checksums(server_url) == empty_before


def test_copying_onto_itself_or_from_nothing_is_refused(source: URL, tmp_path: Path) -> None:
    with pytest.raises(CopyError, match="the same"):
        copy_database(source, source)
    missing = sqlite_url(tmp_path / "missing.sqlite3")
    with pytest.raises(CopyError, match="no database here"):
        copy_database(missing, sqlite_url(tmp_path / "target.sqlite3"))
    assert not (tmp_path / "missing.sqlite3").exists()


def test_dft_copy_round_trip_on_the_command_line(
    source: URL,
    server_url: URL,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["copy", "--db", str(source.database), "--to", server_url.render_as_string(False)])
        == 0
    )
    out, err = capsys.readouterr()
    assert "deals" in out
    assert "402 rows" in out
    assert "Verified" in out
    assert PASSWORD not in out + err
    back = tmp_path / "back.sqlite3"
    assert main(["copy", "--from", server_url.render_as_string(False), "--to", str(back)]) == 0
    assert checksums(sqlite_url(back)) == checksums(source)

    assert main(["copy", "--db", str(source.database), "--to", str(back)]) == 1
    out, err = capsys.readouterr()
    assert "already holds data" in err
    assert "--force" in err
    assert main(["copy", "--db", str(source.database), "--to", str(back), "--force"]) == 0
    assert main(["copy"]) == 2


def test_a_copy_finds_what_the_original_finds(source: URL, server_url: URL, tmp_path: Path) -> None:
    """The folded search text travels with the rows; each target indexes it its own way
    (pg_trgm there, the FTS5 triggers back on SQLite)."""
    from dft.core.queries import DealFilter, fetch_deal_ids

    copy_database(source, server_url)
    back_url = sqlite_url(tmp_path / "back.sqlite3")
    copy_database(server_url, back_url)
    for url in (source, server_url, back_url):
        database = open_database(url, daily_backup=False)
        try:
            with database.read_sessions.begin() as session:
                for term, client in (("ZOE", "Zoë"), ("never called", "Zoë"), ("ü-1", "Zoë")):
                    ids = fetch_deal_ids(session, DealFilter(text=term, today=TODAY))
                    names = session.scalars(select(Deal.client_name).where(Deal.id.in_(ids)))
                    assert [name.split()[0] for name in names] == [client], (url, term)
        finally:
            database.close()
