"""Backups with SQLite's online backup API: on demand, daily, before upgrades; restore; check.

The backup API copies a consistent snapshot even while another connection
writes, which a plain file copy of a WAL database does not. A copy counts as
a backup only once it passed its check (dft/store/integrity.py says when
checks run): a damaged database is refused, loudly, and never pushes the
good backups out.
"""

from __future__ import annotations

import glob
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dft.core.errors import DftError
from dft.store.errors import DamagedDatabaseError
from dft.store.integrity import (
    CheckRecord,
    Verdict,
    check_connection,
    check_file,
    is_damage,
    open_for_reading,
)

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".sqlite3"
DEFAULT_KEEP = 10
# A backup is written to ``.<name>.partial`` beside its destination, then renamed.
PARTIAL_SUFFIX = ".partial"


class BackupError(DftError):
    """A backup or restore could not be made; the message says why and where."""


def default_backup_dir(database_path: Path) -> Path:
    """Backups live beside the database, in ``<name>-backups/``."""
    return database_path.with_name(f"{database_path.stem}-backups")


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


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in ``folder`` that passed its check.

    A backup never checked (made by an earlier version) is checked now, once.
    """
    record = CheckRecord.load(folder)
    changed = False
    found = None
    for backup in list_backups(folder):
        passed = record.passed(backup.path)
        if passed is None:
            passed = check_file(backup.path).ok
            record.note(backup.path, passed)
            changed = True
        if passed:
            found = backup.path
            break
    if changed:
        record.save()
    return found


def damaged_error(database_path: Path, folder: Path, where: str | None) -> DamagedDatabaseError:
    """The refusal of a damaged database, naming the newest backup that passed its check."""
    newest = newest_good_backup(folder)
    good = f"newest good: {newest}" if newest else f"none passed its check in {folder}"
    return DamagedDatabaseError(
        str(database_path),
        f"the database is damaged — restore a backup ({good})."
        + (f" Damaged: {where}." if where else ""),
    )


def note_damage(database_path: Path, folder: Path, where: str) -> None:
    """Remember that the database is damaged (until a restore or a clean ``dft check``)."""
    record = CheckRecord.load(folder)
    if record.damage != where:
        record.damage = where
        record.save()
    log.error("%s is damaged: %s", database_path, where)


def known_damage(folder: Path) -> str | None:
    """What damage was found in the database whose backups are in ``folder``, if any."""
    return CheckRecord.load(folder).damage


def clear_damage(folder: Path) -> None:
    """Forget recorded damage: the database was restored or checked clean."""
    record = CheckRecord.load(folder)
    if record.damage is not None:
        record.damage = None
        record.save()


def _being_written(partial: Path) -> bool:
    """True while another backup holds ``partial`` (its writer keeps it locked)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(partial, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_interrupted_backups(folder: Path) -> list[Path]:
    """Delete what backups that were killed half-way left in ``folder``: hidden
    ``.<name>.partial`` copies of the database and their journals.

    A backup another process is still writing is left alone.
    """
    if not folder.is_dir():
        return []
    removed = []
    for leftover in sorted(folder.glob(f".*{PARTIAL_SUFFIX}*")):
        partial = leftover.with_name(leftover.name.split(PARTIAL_SUFFIX)[0] + PARTIAL_SUFFIX)
        if partial.exists() and _being_written(partial):
            continue
        try:
            leftover.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("Cannot remove %s left by an interrupted backup: %s", leftover, exc)
            continue
        removed.append(leftover)
    if removed:
        log.info("Removed %d files left by interrupted backups in %s", len(removed), folder)
    return removed


@contextmanager
def _claimed(partial: Path) -> Iterator[None]:
    """``partial`` created owner-only and locked (see _being_written) while it is written.

    The lock's descriptor closes only after SQLite has let go of the file:
    closing another descriptor of a file drops a process's POSIX locks on it.
    """
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def _copy(database_path: Path, target_path: Path) -> Verdict:
    """Copy the database into ``target_path`` (a single file, no WAL) and check the copy.

    The check reads the copy through a read-only connection of its own: SQLite
    checks about 2.5 times as fast that way as through the one that wrote it.
    """
    source = open_for_reading(database_path)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()
    return check_file(target_path)


def backup_sqlite_file(
    database_path: Path,
    *,
    reason: str = "manual",
    backup_dir: Path | None = None,
    destination: Path | None = None,
    keep_if_damaged: bool = False,
) -> Path:
    """Copy ``database_path`` to ``destination`` (default: a timestamped file in the backup dir).

    The copy is written owner-only to a temporary name and checked; only a copy
    that passed becomes the backup, so a backup file that exists is complete and
    intact. A damaged database raises :class:`DamagedDatabaseError` naming the
    newest good backup, unless ``keep_if_damaged`` (the copy taken before a
    restore replaces a damaged database), which keeps it as ``...-damaged``.
    """
    folder = backup_dir or default_backup_dir(database_path)
    if destination is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        destination = folder / f"{database_path.stem}-{stamp}-{reason}{BACKUP_SUFFIX}"
    elif destination.exists() and not destination.is_file():
        raise BackupError(f"{destination} is not a regular file; name a file to back up to.")
    partial = destination.with_name(f".{destination.name}{PARTIAL_SUFFIX}")
    verdict = Verdict()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_interrupted_backups(destination.parent)
        with _claimed(partial):
            try:
                verdict = _copy(database_path, partial)
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                verdict = Verdict((str(exc),))
            if not verdict.ok and keep_if_damaged:
                destination = destination.with_name(
                    destination.name.removesuffix(BACKUP_SUFFIX) + f"-damaged{BACKUP_SUFFIX}"
                )
            if verdict.ok or keep_if_damaged:
                partial.replace(destination)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not back up {database_path} to {destination}: {exc}") from exc
    finally:
        for leftover in partial.parent.glob(f"{glob.escape(partial.name)}*"):
            leftover.unlink(missing_ok=True)
    if not verdict.ok:
        note_damage(database_path, folder, verdict.describe())
        if not keep_if_damaged:
            error = damaged_error(database_path, folder, verdict.describe())
            log.error("Refused to back up %s: %s", database_path, error.message)
            raise error
    if destination.parent == folder:
        record = CheckRecord.load(folder)
        record.note(destination, verdict.ok)
        record.save()
    size = destination.stat().st_size
    log.info(
        "Backed up %s to %s (%d bytes, %s)",
        database_path,
        destination,
        size,
        "checked" if verdict.ok else "damaged, kept apart",
    )
    return destination


def prune_backups(folder: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups, but never the newest ``keep`` that
    passed their check; returns what was deleted."""
    keep = max(keep, 1)
    backups = list_backups(folder)
    record = CheckRecord.load(folder)
    good = [b for b in backups if record.passed(b.path)]
    kept = {b.path for b in backups[:keep]} | {b.path for b in good[:keep]}
    removed = [b.path for b in backups if b.path not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    if removed:
        record.forget(removed)
        record.save()
        log.info(
            "Deleted %d old backups from %s (keeping the newest %d, and the newest %d that "
            "passed their check)",
            len(removed),
            folder,
            keep,
            keep,
        )
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
    damaged_tables: tuple[str, ...] = ()
    damage: str | None = None  # where, in words ("table deals"); None when intact

    @property
    def ok(self) -> bool:
        """True when the check found nothing to worry about."""
        return self.integrity == ["ok"] and not self.foreign_key_problems and self.schema_current


def _scalar(connection: sqlite3.Connection, sql: str) -> object:
    """The first value ``sql`` returns; None when there is none or it cannot be read."""
    try:
        row = connection.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def check_sqlite_file(path: Path, head_revision: str) -> CheckReport:
    """Integrity check (naming damaged tables), foreign-key check and schema version,
    reading the file only. The schema version is read first: damage elsewhere in
    the file does not hide it."""
    try:
        connection = open_for_reading(path)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open ({exc})") from exc
    try:
        revision = _scalar(connection, "SELECT version_num FROM alembic_version")
        deals = _scalar(connection, "SELECT count(*) FROM deals")
        verdict = check_connection(connection, full=True)
        try:
            foreign = len(connection.execute("PRAGMA foreign_key_check").fetchall())
        except sqlite3.DatabaseError:
            foreign = 0  # a damaged table cannot be followed; the integrity lines say so
    finally:
        connection.close()
    integrity = ["ok"]
    if not verdict.ok:
        integrity = [f"damaged: {verdict.describe()}", *verdict.findings]
    return CheckReport(
        str(path),
        integrity,
        foreign,
        None if revision is None else str(revision),
        revision == head_revision,
        deals if isinstance(deals, int) else None,
        verdict.tables,
        None if verdict.ok else verdict.describe(),
    )


def restore_sqlite_file(backup: Path, database_path: Path) -> None:
    """Copy ``backup`` over the live database through the backup API (WAL-safe, in place)."""
    try:
        source = open_for_reading(backup)
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
