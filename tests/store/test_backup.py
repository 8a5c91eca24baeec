"""Automatic and manual backups, pruning, and the network-drive warning."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from dft.store import database as database_module
from dft.store.backup import (
    backup_if_due,
    backup_sqlite_file,
    default_backup_dir,
    list_backups,
    prune_backups,
)
from dft.store.database import open_database
from dft.store.location import network_filesystem, sqlite_url
from tests.factories import add_deal


def test_a_daily_backup_at_most_once_a_day_when_opened(db_path: Path) -> None:
    open_database(sqlite_url(db_path)).close()  # created: nothing to back up yet
    folder = default_backup_dir(db_path)
    assert list_backups(folder) == []
    first = open_database(sqlite_url(db_path))
    first.close()
    assert first.daily_backup is not None
    again = open_database(sqlite_url(db_path))
    again.close()
    assert again.daily_backup is None
    assert len(list_backups(folder)) == 1
    tomorrow = backup_if_due(db_path, today=date.today().replace(year=date.today().year + 1))
    assert tomorrow is not None
    assert len(list_backups(folder)) == 2


def test_backups_are_owner_only_and_complete(db_path: Path) -> None:
    database = open_database(sqlite_url(db_path))
    with database.sessions.begin() as session:
        add_deal(session)
    database.close()
    copy = backup_sqlite_file(db_path)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    restored = open_database(sqlite_url(copy), daily_backup=False)
    with restored.sessions.begin() as session:
        from sqlalchemy import func, select

        from dft.core.models import Deal

        assert session.scalar(select(func.count()).select_from(Deal)) == 1
    restored.close()
    assert not list(copy.parent.glob(".*partial"))


def test_only_the_newest_n_backups_are_kept(db_path: Path) -> None:
    open_database(sqlite_url(db_path)).close()
    folder = default_backup_dir(db_path)
    made = []
    for age in range(5):
        backup = backup_sqlite_file(db_path, reason=f"n{age}")
        os.utime(backup, (1_000_000 + age, 1_000_000 + age))
        made.append(backup)
    removed = prune_backups(folder, keep=2)
    assert sorted(removed) == sorted(made[:3])
    assert [b.path for b in list_backups(folder)] == [made[4], made[3]]


def test_a_network_drive_gets_a_warning(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/sda1 / ext4 rw 0 0\nserver:/export {db_path.parent} nfs4 rw,relatime 0 0\n"
    )
    assert network_filesystem(db_path, mounts) == "nfs4"
    assert network_filesystem(tmp_path / "elsewhere" / "x.sqlite3", mounts) is None
    assert network_filesystem(Path("//server/share/dft.sqlite3"), mounts) == "network share"
    monkeypatch.setattr(
        database_module, "network_filesystem", lambda path: network_filesystem(path, mounts)
    )
    database = open_database(sqlite_url(db_path))
    database.close()
    assert database.warnings
    assert "network drive (nfs4)" in database.warnings[0]
    assert "PostgreSQL" in database.warnings[0]
