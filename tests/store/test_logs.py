"""The log file: one `dft` hierarchy, owner-only, passwords masked, and what each
operation on the data writes there (counts and paths, never a client's data)."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dft.store import logs
from dft.store.backup import backup_sqlite_file, prune_backups
from dft.store.copying import copy_database
from dft.store.database import open_database
from dft.store.location import sqlite_url
from dft.store.maintenance import restore_database
from tests.factories import add_deal, connection_at_revision

SECRET_CLIENT = "Zelda Secretclient"


@pytest.fixture
def log_file() -> Iterator[Path]:
    path = logs.configure_logging()
    yield path
    top = logging.getLogger("dft")
    for handler in [h for h in top.handlers if isinstance(h, logs.OwnerOnlyRotatingFileHandler)]:
        top.removeHandler(handler)
        handler.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_file_lives_in_the_user_log_folder_and_only_its_owner_reads_it(
    log_file: Path, isolated_user_folders: Path
) -> None:
    assert log_file == logs.log_file()
    assert log_file.name == "dft.log"
    assert log_file.is_relative_to(isolated_user_folders)
    logging.getLogger("dft.store.backup").info("a line")
    assert "a line" in log_file.read_text()
    assert mode(log_file) == 0o600


def test_rotated_logs_and_a_log_left_by_an_older_version_are_owner_only(
    isolated_user_folders: Path,
) -> None:
    path = logs.log_file()
    path.parent.mkdir(parents=True)
    path.write_text("written by an older version\n")
    path.chmod(0o644)
    older = path.with_name("dft.log.1")
    older.write_text("rotated by an older version\n")
    older.chmod(0o644)
    logs.configure_logging()
    try:
        assert mode(path) == 0o600
        assert mode(older) == 0o600
        [handler] = [
            h
            for h in logging.getLogger("dft").handlers
            if isinstance(h, logs.OwnerOnlyRotatingFileHandler)
        ]
        handler.doRollover()
        logging.getLogger("dft").warning("after the rollover")
        assert "after the rollover" in path.read_text()
        assert "written by an older version" in older.read_text()
        assert "rotated by an older version" in path.with_name("dft.log.2").read_text()
        for file in path.parent.iterdir():
            assert mode(file) == 0o600, file
    finally:
        logging.getLogger("dft").removeHandler(handler)
        handler.close()


def test_one_dft_hierarchy_and_one_file_per_process(log_file: Path) -> None:
    logging.getLogger("sqlalchemy.engine").warning("not ours")
    logging.getLogger("dft.exchange.importer").info("ours")
    again = logs.configure_logging()  # replaces, does not add, a handler
    ours = [
        h
        for h in logging.getLogger("dft").handlers
        if isinstance(h, logs.OwnerOnlyRotatingFileHandler)
    ]
    assert again == log_file
    assert len(ours) == 1
    text = log_file.read_text()
    assert "dft.exchange.importer: ours" in text
    assert "not ours" not in text


def test_a_password_never_reaches_the_log(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = make_url("postgresql+psycopg://dana:s3cr%3Dt@db.example.com/dft")
    logs.keep_out_of_logs(url)
    monkeypatch.setenv("PGPASSWORD", "pg-env-secret")
    logging.getLogger("dft.store.database").error("driver said: s3cr=t and pg-env-secret")
    assert logs.scrub("s3cr=t") == "***"
    text = log_file.read_text()
    assert "s3cr=t" not in text
    assert "pg-env-secret" not in text
    assert "driver said: *** and ***" in text


def test_backups_restores_copies_migrations_and_imports_say_what_they_did(
    log_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "logged.sqlite3"
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        add_deal(session, client_name=SECRET_CLIENT, contract_number="LOG-1", notes="private")
    database.close()

    backup = backup_sqlite_file(path)
    for _ in range(2):
        backup_sqlite_file(path)
    prune_backups(backup.parent, keep=1)
    [kept] = backup.parent.glob("*.sqlite3")
    restore_database(sqlite_url(path), kept)
    copy_database(sqlite_url(path), sqlite_url(tmp_path / "copy.sqlite3"))

    csv = tmp_path / "deals.csv"
    csv.write_text(
        "client,contract_value,fell_through_on,cause\nAnother Secret,100,2026-01-05,Other\n"
    )
    from dft.exchange.importer import import_file

    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        import_file(session, csv)
    database.close()

    old = tmp_path / "old.sqlite3"
    with connection_at_revision(sqlite_url(old), "0001"):
        pass
    open_database(sqlite_url(old), daily_backup=False).close()

    text = log_file.read_text()
    assert f"Backed up {path} to {backup}" in text
    assert f"Deleted 2 old backups from {backup.parent}" in text
    assert f"Restored {kept} (1 deals) into {path}" in text
    assert f"Copied {path} to {tmp_path / 'copy.sqlite3'}" in text
    assert f"Import of {csv}: 1 rows read, 1 deals added" in text
    assert f"Upgraded {old} from schema 0001 to " in text
    for private in (SECRET_CLIENT, "LOG-1", "private", "Another Secret"):
        assert private not in text
