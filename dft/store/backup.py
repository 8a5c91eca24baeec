"""Backups with SQLite's online backup API: on demand, daily, before upgrades; restore; check.

The backup API copies a consistent snapshot even while another connection
writes, which a plain file copy of a WAL database does not.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from dft.core.errors import DftError

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".sqlite3"
DEFAULT_KEEP = 10


class BackupError(DftError):
    """A backup or restore could not be made; the message says why and where."""

    pass


def default_backup_dir(database_path: Path) -> Path:
    """Backups live beside the database, in ``<name>-backups/``."""
    return database_path.with_name(f"{database_path.stem}-backups")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=15)


def backup_sqlite_file(
    database_path: Path,
    *,
    reason: str = "manual",
    backup_dir: Path | None = None,
    destination: Path | None = None,
) -> Path:
    """Copy ``database_path`` to ``destination`` (default: a timestamped file in the backup dir).

    The copy is created owner-only and written to a temporary name first, so a
    backup file that exists is always complete.
    """
    if destination is None:
        folder = backup_dir or default_backup_dir(database_path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        destination = folder / f"{database_path.stem}-{stamp}-{reason}{BACKUP_SUFFIX}"
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        source = _read_only(database_path)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                # A backup is a single file: no WAL beside it.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        partial.replace(destination)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not back up {database_path} to {destination}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    size = destination.stat().st_size
    log.info("Backed up %s to %s (%d bytes)", database_path, destination, size)
    return destination


@dataclass(frozen=True)
class BackupFile:
    """A backup in the backup folder, with when it was taken."""

    path: Path
    taken_at: datetime
    size: int


def list_backups(folder: Path) -> list[BackupFile]:
    """Backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob(f"*{BACKUP_SUFFIX}") if p.is_file()]
    return sorted(
        (BackupFile(p, datetime.fromtimestamp(p.stat().st_mtime), p.stat().st_size) for p in files),
        key=lambda b: (b.taken_at, b.path.name),
        reverse=True,
    )


def prune_backups(folder: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    removed = []
    for old in list_backups(folder)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    if removed:
        log.info("Deleted %d old backups from %s (keeping %d)", len(removed), folder, keep)
    return removed


def backup_if_due(
    database_path: Path,
    *,
    backup_dir: Path | None = None,
    keep: int = DEFAULT_KEEP,
    today: date | None = None,
) -> Path | None:
    """The automatic backup: at most one a day, when the database is opened."""
    folder = backup_dir or default_backup_dir(database_path)
    today = today or date.today()
    newest = next(iter(list_backups(folder)), None)
    if newest is not None and newest.taken_at.date() >= today:
        return None
    made = backup_sqlite_file(database_path, reason="daily", backup_dir=folder)
    prune_backups(folder, keep)
    return made


@dataclass(frozen=True)
class CheckReport:
    """What `dft check` found. ``ok`` is false when anything needs attention."""

    location: str
    integrity: list[str]
    foreign_key_problems: int
    schema_revision: str | None
    schema_current: bool
    deals: int | None

    @property
    def ok(self) -> bool:
        """True when the check found nothing to worry about."""
        return self.integrity == ["ok"] and not self.foreign_key_problems and self.schema_current


def check_sqlite_file(path: Path, head_revision: str) -> CheckReport:
    """Integrity check, foreign-key check and schema version, reading the file only."""
    try:
        connection = _read_only(path)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open ({exc})") from exc
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = len(connection.execute("PRAGMA foreign_key_check").fetchall())
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        deals = (
            connection.execute("SELECT count(*) FROM deals").fetchone()[0]
            if "deals" in tables
            else None
        )
    except sqlite3.DatabaseError as exc:
        return CheckReport(str(path), [f"unreadable: {exc}"], 0, None, False, None)
    finally:
        connection.close()
    return CheckReport(str(path), integrity, foreign, revision, revision == head_revision, deals)


def restore_sqlite_file(backup: Path, database_path: Path) -> None:
    """Copy ``backup`` over the live database through the backup API (WAL-safe, in place)."""
    try:
        source = _read_only(backup)
        try:
            target = sqlite3.connect(database_path, timeout=15)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"could not restore {backup} into {database_path}: {exc}") from exc
