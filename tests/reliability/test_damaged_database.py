"""A damaged database never eats the good backups: it is read at most, every write and
every backup of it is refused naming the newest good backup, and pruning keeps the
backups that passed their check.

The damage is real: one leaf page of the deals table's b-tree (found through
SQLite's dbstat, not its root and not its last leaf, so new rows would still
go in) is overwritten, and PRAGMA integrity_check fails.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dft import cli
from dft.core.deal_input import DealInput
from dft.core.deals import count_deals, log_deal
from dft.core.models import Deal
from dft.core.taxonomy import find_cause
from dft.store.backup import (
    backup_if_due,
    backup_sqlite_file,
    default_backup_dir,
    list_backups,
    prune_backups,
)
from dft.store.database import open_database
from dft.store.errors import DamagedDatabaseError
from dft.store.location import sqlite_url
from dft.store.maintenance import restore_database
from dft.store.schema import head_revision
from tests.factories import add_deal
from tests.reliability.conftest import write_csv

DAMAGED = "the database is damaged — restore a backup (newest good: "


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage_deals_table(path: Path) -> int:
    """Overwrite the first leaf page of the deals table; returns its page number."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'deals'"
        ).fetchone()[0]
        leaves = [
            page
            for (page,) in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'deals' AND pagetype = 'leaf' ORDER BY path"
            )
        ]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()
    assert len(leaves) >= 3, "too few deals for a b-tree with several leaves"
    page = leaves[0]
    assert page != root
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(bytes([0x0D]) + os.urandom(page_size - 1))
    return page


def integrity(path: Path) -> list[str]:
    """PRAGMA integrity_check's lines; SQLite stops it at a page it cannot read at all."""
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        connection.close()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """A database of 300 deals, closed, with no -wal or -shm beside it."""
    path = tmp_path / "clients.sqlite3"
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        for i in range(300):
            add_deal(session, client_name=f"Client {i}", contract_number=f"C-{i}", notes="n" * 80)
    database.close()
    return path


@pytest.fixture
def good_backup(db_file: Path) -> Path:
    """A backup made while the database was intact."""
    return backup_sqlite_file(db_file)


@pytest.fixture
def damaged(db_file: Path, good_backup: Path) -> Path:
    damage_deals_table(db_file)
    assert integrity(db_file) != ["ok"]
    return db_file


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dft", *args], capture_output=True, text=True, check=False
    )


def test_every_write_to_a_damaged_database_is_refused_naming_the_newest_good_backup(
    damaged: Path, good_backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(damaged)
    csv = write_csv(tmp_path / "more.csv", 20, prefix="More")
    writes = [
        ["add", "--client", "New Client", "--value", "1000", "--fell-through", "2026-01-05",
         "--cause", "Other/Other"],
        ["demo", "--deals", "5"],
        ["import", str(csv)],
    ]  # fmt: skip
    for args in writes:
        assert cli.main([*args, "--db", str(damaged)]) == 1, args
        error = capsys.readouterr().err
        assert f"{DAMAGED}{good_backup})" in error, error
        assert error.count(DAMAGED) == 1, "said once, not as a warning and again as the error"
        assert "unexpected error" not in error
        assert "Traceback" not in error
    assert digest(damaged) == before

    database = open_database(sqlite_url(damaged), daily_backup=False)
    try:
        assert database.damaged == "table deals"
        assert database.warnings[0].startswith(f"{damaged}: {DAMAGED}{good_backup})")
        with (
            pytest.raises(DamagedDatabaseError, match="newest good: "),
            database.sessions.begin() as session,
        ):
            log_deal(
                session,
                DealInput(
                    client_name="X",
                    contract_value_cents=1,
                    fell_through_on=date(2026, 1, 5),
                    cause_id=find_cause(session, "Other/Other").id,
                ),
            )
    finally:
        database.close()
    assert digest(damaged) == before


def test_a_backup_of_a_damaged_database_is_refused_and_the_good_backups_survive(
    damaged: Path, good_backup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = default_backup_dir(damaged)
    for _ in range(12):  # more than the 10 kept
        assert cli.main(["backup", "--db", str(damaged)]) == 1
        error = capsys.readouterr().err
        assert f"{DAMAGED}{good_backup})" in error
        assert "Damaged: table deals." in error
    with pytest.raises(DamagedDatabaseError, match="newest good: "):
        backup_if_due(damaged, today=date(2100, 1, 1))
    assert [b.path for b in list_backups(folder)] == [good_backup]
    assert integrity(good_backup) == ["ok"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_the_daily_backup_on_opening_a_damaged_database_is_refused_loudly(
    damaged: Path, good_backup: Path
) -> None:
    folder = default_backup_dir(damaged)
    os.utime(good_backup, (1_000_000, 1_000_000))  # yesterday's: a daily backup is due
    database = open_database(sqlite_url(damaged))
    database.close()
    assert database.daily_backup is None
    assert database.damaged == "table deals"
    assert f"{DAMAGED}{good_backup})" in database.warnings[0]
    assert [b.path for b in list_backups(folder)] == [good_backup]


def test_pruning_never_deletes_the_newest_backups_that_passed_their_check(
    db_file: Path, tmp_path: Path
) -> None:
    folder = default_backup_dir(db_file)
    good = [backup_sqlite_file(db_file, reason=f"good{i}") for i in range(3)]
    for age, backup in enumerate(good):
        os.utime(backup, (1_000_000 + age, 1_000_000 + age))
    # Copies of a damaged file, newer: what an older version's daily backups left.
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(db_file, broken)
    damage_deals_table(broken)
    for age in range(4):
        copy = folder / f"clients-2100010{age}-000000-000000-daily.sqlite3"
        shutil.copy(broken, copy)
        os.utime(copy, (2_000_000 + age, 2_000_000 + age))
    removed = prune_backups(folder, keep=2)
    kept = {b.path for b in list_backups(folder)}
    assert {good[2], good[1]} <= kept  # the newest two good ones
    assert good[0] in removed
    assert len(kept) == 4  # and the newest two of all

    # Before a restore replaces a damaged database, it is saved, but never counts as good.
    damage_deals_table(db_file)
    report, saved = restore_database(sqlite_url(db_file), good[2])
    assert saved is not None
    assert saved.name.endswith("-before-restore-damaged.sqlite3")
    assert integrity(db_file) == ["ok"]
    assert report.deals == 300
    prune_backups(folder, keep=1)
    assert {b.path for b in list_backups(folder)} == {saved, good[2]}


def test_check_names_the_damaged_table_and_reports_the_schema_version(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", "--db", str(damaged)]) == 1
    out = capsys.readouterr().out
    assert "damaged: table deals" in out
    assert f"Schema version: {head_revision()} (up to date)" in out
    assert "PROBLEMS FOUND" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["list"], ["summary", "--month", "2026-10"], ["export", "OUT.csv"],
     ["report", "--month", "2026-10", "--out", "OUT.pdf"]],
)  # fmt: skip
def test_reading_a_damaged_database_answers_in_one_plain_sentence(
    damaged: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    result = run(*args, "--db", str(damaged))
    said = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert "unexpected error" not in result.stderr
    assert "SELECT" not in result.stderr
    assert said, "the damage must be said"
    assert all(DAMAGED in line for line in said), said
    if result.returncode != 0:
        assert result.returncode == 1


def test_damage_found_while_in_use_refuses_every_later_write(
    db_file: Path, good_backup: Path
) -> None:
    database = open_database(sqlite_url(db_file), daily_backup=False)
    try:
        assert database.damaged is None
        damage_deals_table(db_file)
        database.engine.dispose()  # nothing cached: the next read meets the damage
        with (
            pytest.raises(DamagedDatabaseError, match="newest good: "),
            database.read_sessions.begin() as session,
        ):
            session.scalars(select(Deal.notes)).all()
        assert database.damaged is not None
        with (
            pytest.raises(DamagedDatabaseError, match="newest good: "),
            database.sessions.begin() as session,
        ):
            add_deal(session, client_name="After the damage", contract_number="AD-1")
    finally:
        database.close()
    # Remembered: a later open is read-only too, without checking the file again.
    reopened = open_database(sqlite_url(db_file), daily_backup=False)
    reopened.close()
    assert reopened.damaged is not None
    assert cli.main(["check", "--db", str(db_file)]) == 1
    assert restore_database(sqlite_url(db_file), good_backup)[0].deals == 300
    healthy = open_database(sqlite_url(db_file), daily_backup=False)
    healthy.close()
    assert healthy.damaged is None


def test_the_app_offers_the_newest_good_backup_and_restores_it(
    qapp: Any, damaged: Path, good_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.ui import app, ask

    offered: list[tuple[str, str, Path | None]] = []

    def choose(_parent: object, location: str, where: str, newest: Path | None) -> object:
        offered.append((location, where, newest))
        return ask.OpenChoice.RESTORE

    monkeypatch.setattr(ask, "ask_after_damage", choose)
    database = app.open_with_dialogs(None, sqlite_url(damaged))
    assert database is not None
    try:
        assert offered == [(str(damaged), "table deals", good_backup)]
        assert database.damaged is None
        with database.read_sessions.begin() as session:
            assert count_deals(session) == 300
    finally:
        database.close()
    assert integrity(damaged) == ["ok"]
    saved = list(damaged.parent.glob("clients-backups/*before-restore-damaged*"))
    assert len(saved) == 1, "the damaged file is kept apart, never thrown away"


def test_declining_to_restore_leaves_the_damaged_file_as_it_was(
    qapp: Any, damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.ui import app, ask

    before = digest(damaged)
    monkeypatch.setattr(ask, "ask_after_damage", lambda *_args: ask.OpenChoice.QUIT)
    assert app.open_with_dialogs(None, sqlite_url(damaged)) is None
    assert digest(damaged) == before


def test_the_window_on_a_database_found_damaged_offers_no_writes(
    qtbot: Any, db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage found while the window is open (SQLite's own error) greys out every write."""
    from PySide6.QtCore import QSettings

    from dft.store.database import Database
    from dft.ui.context import AppContext
    from dft.ui.main_window import MainWindow

    database = open_database(sqlite_url(db_file), daily_backup=False)
    monkeypatch.setattr(Database, "damaged", property(lambda _self: "table deals"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(database, settings), open_database=lambda _p, _l: None)
    qtbot.addWidget(window)
    window.show()
    window.select_row(0)
    assert window.windowTitle().endswith("(damaged — read only)")
    for action in (
        window.new_deal_action,
        window.import_action,
        window.sample_action,
        window.edit_deal_action,
        window.trash_action,
        window.log_call_action,
    ):
        assert not action.isEnabled(), action.text()  # fmt: skip
    assert window.export_action.isEnabled()  # reading still works: get the data out
    window.close()
    database.close()
