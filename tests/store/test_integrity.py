"""Reading a SQLite file without leaving files, and the record of what checks found."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from dft.store.database import open_database
from dft.store.integrity import RECORD_NAME, CheckRecord, check_file, open_for_reading
from dft.store.location import sqlite_url

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def closed_database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "intact.sqlite3"
    path.parent.mkdir()
    open_database(sqlite_url(path), daily_backup=False).close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["intact.sqlite3"]
    return path


def test_reading_a_closed_database_leaves_no_wal_or_shm(closed_database: Path) -> None:
    connection = open_for_reading(closed_database)
    assert connection.execute("SELECT count(*) FROM deals").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM settings")
    connection.close()
    assert check_file(closed_database).ok
    assert sorted(p.name for p in closed_database.parent.iterdir()) == ["intact.sqlite3"]


def test_reading_leaves_another_connections_wal_and_its_commits_alone(
    closed_database: Path,
) -> None:
    writer = sqlite3.connect(closed_database)
    writer.execute("INSERT INTO settings (key, value) VALUES ('mine', '1')")
    writer.commit()
    before = closed_database.read_bytes()
    connection = open_for_reading(closed_database)
    assert connection.execute("SELECT value FROM settings WHERE key = 'mine'").fetchone() == ("1",)
    connection.close()
    assert closed_database.with_name("intact.sqlite3-wal").exists()
    assert closed_database.read_bytes() == before  # nothing checkpointed into the file
    writer.close()


def test_the_check_record_is_owner_only_and_survives_a_garbled_file(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    record = CheckRecord.load(folder)
    assert record.damage is None
    record.damage = "table deals"
    record.save()
    assert stat.S_IMODE((folder / RECORD_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert CheckRecord.load(folder).damage == "table deals"
    (folder / RECORD_NAME).write_text("{not json")
    assert CheckRecord.load(folder).damage is None


def test_a_backup_that_changed_since_its_check_is_not_taken_as_good(tmp_path: Path) -> None:
    backup = tmp_path / "b.sqlite3"
    backup.write_bytes(b"x" * 10)
    record = CheckRecord(tmp_path)
    record.note(backup, passed=True)
    assert record.passed(backup) is True
    backup.write_bytes(b"x" * 20)
    assert record.passed(backup) is None
    record.note(backup, passed=False)
    assert record.passed(backup) is False
