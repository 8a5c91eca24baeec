"""Opening databases: new, current, old, foreign, damaged and too new."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dft.core.dialects import WHERE
from dft.core.models import Base, Category, Deal
from dft.store.database import (
    DamagedDatabaseError,
    Database,
    NotADftDatabaseError,
    SchemaTooNewError,
    open_database,
)
from dft.store.location import sqlite_url
from dft.store.schema import head_revision
from tests.factories import database_at_first_revision


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_database_is_created_seeded_stamped_and_owner_only(db_path: Path) -> None:
    db = open_database(sqlite_url(db_path))
    try:
        assert db.created
        with db.sessions.begin() as session:
            assert session.scalar(select(func.count()).select_from(Category)) == 6
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == head_revision()
        assert db_path.stat().st_mode & 0o777 == 0o600
    finally:
        db.close()


def test_every_connection_has_foreign_keys_wal_and_full_sync(db_path: Path) -> None:
    db = open_database(sqlite_url(db_path))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        db.close()


def test_opening_again_keeps_the_data_and_makes_no_copy(db_path: Path) -> None:
    open_database(sqlite_url(db_path)).close()
    db = open_database(sqlite_url(db_path))
    try:
        assert not db.created
        assert db.upgraded_from is None
        assert db.pre_upgrade_backup is None
    finally:
        db.close()


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "dft.sqlite3"
    open_database(sqlite_url(path)).close()
    assert path.exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Client,Value\nPat,12500\n", id="csv-text"),
        pytest.param(bytes(range(256)) * 64, id="random-bytes"),
    ],
)
def test_a_file_that_is_not_sqlite_is_refused_and_untouched(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    before = digest(db_path)
    with pytest.raises(NotADftDatabaseError, match="not an SQLite file"):
        open_database(sqlite_url(db_path))
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_someone_elses_sqlite_database_is_refused_and_untouched(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(NotADftDatabaseError, match="not a DFT Tracker one"):
        open_database(sqlite_url(db_path))
    assert digest(db_path) == before


def test_a_truncated_database_is_refused_and_untouched(db_path: Path) -> None:
    db = open_database(sqlite_url(db_path))
    with db.sessions.begin() as session:
        from dft.core.demo import generate_demo_data

        generate_demo_data(session, deals=300, today=date(2026, 11, 24))
    db.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    before = digest(db_path)
    with pytest.raises(DamagedDatabaseError, match="truncated"):
        open_database(sqlite_url(db_path))
    assert digest(db_path) == before


def test_a_database_from_a_newer_version_is_refused_and_untouched(db_path: Path) -> None:
    open_database(sqlite_url(db_path)).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(SchemaTooNewError, match="newer version of DFT Tracker"):
        open_database(sqlite_url(db_path))
    assert digest(db_path) == before


def test_an_old_database_is_copied_then_upgraded_with_its_data(db_path: Path) -> None:
    database_at_first_revision(sqlite_url(db_path))
    db = open_database(sqlite_url(db_path))
    try:
        assert db.upgraded_from == "0001"
        assert db.pre_upgrade_backup is not None
        assert db.pre_upgrade_backup.exists()
        copy = sqlite3.connect(db.pre_upgrade_backup)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT client_name FROM deals").fetchall() == [("Old Client",)]
        copy.close()
        with db.sessions.begin() as session:
            deal = session.get(Deal, 1)
            assert deal is not None
            assert (deal.client_name, deal.contract_value_cents) == ("Old Client", 31415926)
            assert deal.fell_through_on == date(2024, 5, 20)
            assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
            session.execute(text("SELECT count(*) FROM signed_contracts"))
    finally:
        db.close()


def test_a_new_database_has_every_partial_index_with_its_condition(database: Database) -> None:
    partial = [
        index
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if WHERE in index.info
    ]
    assert len(partial) >= 5
    with database.engine.connect() as connection:
        for index in partial:
            if connection.dialect.name == "sqlite":
                query = "SELECT sql FROM sqlite_master WHERE name = :name"
            else:
                query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
            definition = connection.execute(text(query), {"name": index.name}).scalar_one()
            assert " WHERE " in definition, definition
