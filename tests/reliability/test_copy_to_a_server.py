"""`dft copy` to a team server: a SQLite file holding text PostgreSQL would refuse (too
long for its column, a NUL) is refused up front, each value listed by table, row id
and column - never its value or the rest of its row - and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from dft import cli
from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, update_deal
from dft.core.follow_ups import record_follow_up
from dft.store.database import open_database
from dft.store.engine import create_database_engine
from dft.store.location import sqlite_url
from tests.factories import add_deal
from tests.postgres_server import PostgresServer

SECRET = "Confidential-Ortega-4471"


@pytest.fixture
def server_url(postgres_server: PostgresServer) -> Iterator[URL]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def old_file(tmp_path: Path) -> tuple[Path, int]:
    """A file an older version wrote: values stored past today's checks."""
    path = tmp_path / "old.sqlite3"
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        deal_id = add_deal(session, client_name=SECRET, notes=SECRET, salesperson="Dana")
        for n in range(3):
            add_deal(session, client_name=f"Fine {n}", contract_number=f"F-{n}")
        record_follow_up(session, deal_id, outcome="reached", client_words="placeholder")
        session.flush()
        session.execute(text("UPDATE deals SET lot = :lot WHERE id = :id"),
                        {"lot": "L" * 75, "id": deal_id})  # fmt: skip
        session.execute(text("UPDATE follow_ups SET client_words = :w WHERE deal_id = :id"),
                        {"w": f"{SECRET}\x00", "id": deal_id})  # fmt: skip
        session.execute(text("UPDATE salespeople SET name = :n"), {"n": "D" * 130})
    database.close()
    return path, deal_id


def to(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_a_copy_to_a_server_lists_what_it_would_refuse_and_writes_nothing(
    old_file: tuple[Path, int], server_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    path, deal_id = old_file
    assert cli.main(["--db", str(path), "copy", "--to", to(server_url)]) == 1
    err = capsys.readouterr().err
    assert "3 values a database server would refuse, so nothing was copied" in err
    assert f"deals #{deal_id}, lot: is 75 characters long; at most 60 fit" in err
    assert "client_words: holds a NUL character (U+0000)" in err
    assert "salespeople #1, name: is 130 characters long; at most 120 fit" in err
    for never in (SECRET, "L" * 60, "D" * 120, "INSERT", "Traceback"):
        assert never not in err
    # Not even the tables: the server database is as it was.
    engine = create_database_engine(server_url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


def test_once_corrected_the_copy_goes_through(
    old_file: tuple[Path, int], server_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    path, deal_id = old_file
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        update_deal(session, deal_id, with_changes(get_deal(session, deal_id).input, lot="L-75",
                                                   salesperson="Dana Whitfield"),
                    create_names=True, today=date(2026, 11, 24))  # fmt: skip
        session.execute(text("UPDATE follow_ups SET client_words = 'Fixed' WHERE deal_id = :id"),
                        {"id": deal_id})  # fmt: skip
        session.execute(text("DELETE FROM salespeople WHERE length(name) > 120"))
    database.close()
    assert cli.main(["--db", str(path), "copy", "--to", to(server_url)]) == 0, capsys.readouterr()


def test_a_copy_to_another_file_is_not_held_back(
    old_file: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite keeps what it was given: a copy to a file (a backup) stays exact."""
    path, _deal_id = old_file
    copy = tmp_path / "copy.sqlite3"
    assert cli.main(["--db", str(path), "copy", "--to", str(copy)]) == 0, capsys.readouterr()
