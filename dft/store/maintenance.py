"""Back up, restore and check a database (`dft backup`, `dft restore`, `dft check`).

Backups and restores are of SQLite files; a server database is checked, and
backed up with the server's own tools or `dft copy`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from dft.core.dialects import unvalidated_constraints
from dft.store.backup import (
    BackupError,
    CheckReport,
    backup_sqlite_file,
    check_sqlite_file,
    clear_damage,
    damaged_error,
    default_backup_dir,
    known_damage,
    note_damage,
    prune_backups,
    restore_sqlite_file,
)
from dft.store.database import (
    DamagedDatabaseError,
    DatabaseError,
    NotADftDatabaseError,
    SchemaTooNewError,
    open_database,
)
from dft.store.engine import create_database_engine
from dft.store.location import display_url, sqlite_path, sqlite_url
from dft.store.schema import head_revision, known_revisions, read_schema_state

log = logging.getLogger(__name__)


def _file_of(url: URL) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError(
            display_url(url),
            "backups and restore work on SQLite files; on a server, use its own backup tools "
            "(pg_dump), or make a verified SQLite copy with 'dft copy --to FILE.sqlite3'.",
        )
    return path


def backup_database(url: URL, destination: Path | None = None, keep: int | None = None) -> Path:
    """A backup now, to ``destination`` or the backup folder (which is then pruned to ``keep``)."""
    path = _file_of(url)
    if not path.exists():
        raise DatabaseError(str(path), "no database here to back up")
    state = read_schema_state(url)  # refuses foreign, truncated, unreadable files
    if state.empty:
        raise DatabaseError(str(path), "the database is empty; nothing to back up")
    folder = default_backup_dir(path)
    damage = known_damage(folder)
    if damage is not None:  # found before: no need to copy it to find it again
        raise damaged_error(path, folder, damage)
    made = backup_sqlite_file(path, reason="manual", destination=destination)
    if destination is None and keep is not None:
        prune_backups(default_backup_dir(path), keep)
    return made


def check_server_database(url: URL) -> CheckReport:
    """A server keeps its own storage intact; what can still be wrong is the schema
    version and constraints someone added NOT VALID (rows that break them)."""
    state = read_schema_state(url)  # clear messages for unreachable, foreign, empty
    if state.empty or state.revision is None:
        raise NotADftDatabaseError(display_url(url), "no DFT Tracker database here to check")
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            unvalidated = unvalidated_constraints(connection)
            deals = int(connection.scalar(text("SELECT count(*) FROM deals")) or 0)
    finally:
        engine.dispose()
    integrity = [f"constraint {name} not validated" for name, kind in unvalidated if kind != "f"]
    return CheckReport(
        display_url(url),
        integrity or ["ok"],
        sum(1 for _name, kind in unvalidated if kind == "f"),
        state.revision,
        state.revision == head_revision(),
        deals,
    )


def check_database(url: URL) -> CheckReport:
    """Integrity, foreign keys and schema version of the database at ``url``."""
    if sqlite_path(url) is None and url.get_backend_name() != "sqlite":
        return check_server_database(url)
    path = _file_of(url)
    if not path.exists():
        raise DatabaseError(str(path), "no database here to check")
    read_schema_state(url)  # a clear message for a file that is not SQLite at all
    report = check_sqlite_file(path, head_revision())
    folder = default_backup_dir(path)
    if report.damage is None:
        clear_damage(folder)
    else:
        note_damage(path, folder, report.damage)
    log.info(
        "Checked %s: integrity %s, %d broken references, schema %s",
        path,
        "ok" if report.integrity == ["ok"] else report.integrity[0],
        report.foreign_key_problems,
        report.schema_revision,
    )
    return report


def verify_backup(backup: Path) -> CheckReport:
    """A backup is restorable when it is an intact DFT database this version can read."""
    if not backup.is_file():
        raise BackupError(f"{backup}: no such file")
    state = read_schema_state(sqlite_url(backup))
    if state.empty or state.revision is None:
        raise NotADftDatabaseError(str(backup), "this file is not a DFT Tracker backup")
    if state.revision not in known_revisions():
        raise SchemaTooNewError(
            str(backup), "this backup was made by a newer version of DFT Tracker"
        )
    report = check_sqlite_file(backup, head_revision())
    if report.integrity != ["ok"] or report.foreign_key_problems:
        raise BackupError(f"{backup}: the backup is damaged ({'; '.join(report.integrity[:3])})")
    return report


def restore_database(url: URL, backup: Path) -> tuple[CheckReport, Path | None]:
    """Check ``backup``, back up the current database, then put the backup in its place.

    A damaged current database is saved too, as ``...-before-restore-damaged``
    (it may hold recent deals worth reading out); it never counts as a good backup.

    Returns the backup's check and where the current database was saved first.
    An older backup is upgraded the next time the database is opened.
    """
    path = _file_of(url)
    report = verify_backup(backup)
    saved = None
    if path.exists() and path.stat().st_size:
        try:
            current_is_empty = read_schema_state(url).empty
        except DamagedDatabaseError:
            current_is_empty = False  # damaged: still worth keeping apart
        if not current_is_empty:
            saved = backup_sqlite_file(path, reason="before-restore", keep_if_damaged=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    restore_sqlite_file(backup, path)
    clear_damage(default_backup_dir(path))
    # Open once so an older backup's schema is upgraded now, not at some later surprise.
    open_database(url, daily_backup=False).close()
    log.info(
        "Restored %s (%s deals) into %s; the database as it was is saved in %s",
        backup,
        report.deals,
        path,
        saved or "nothing (there was none)",
    )
    return report, saved
