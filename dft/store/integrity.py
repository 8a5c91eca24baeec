"""Is a SQLite file intact? Reading it without leaving files, checking it, naming the
damaged tables, and remembering what was found beside the backups.

When the checks run was decided from their cost (``python -m tests.benchmarks
--only checks``; 2 shared cores, 2026-11-30): on 1,000,000 deals (610 MB)
``quick_check`` takes 2.7 s and ``integrity_check`` 19 s, where the backup
copy alone takes 1.6 s; on 100,000 deals (61 MB) 0.27 s, 1.3 s and 0.26 s;
on 10,000 deals (6 MB) ``quick_check`` takes about 30 ms.

- Opening a file of up to :data:`QUICK_CHECK_ON_OPEN_BYTES` (16 MiB, about
  25,000 deals): ``quick_check``, well under a tenth of a second. A larger
  file relies on the checks below and on the record.
- Every backup (daily, manual, before an upgrade or a restore): the copy is
  checked with ``quick_check`` before it counts as a backup. The copy is the
  source page for page, so a damaged source is refused there, and what is
  kept is known good. It makes a backup of 1,000,000 deals take 4.8 s
  instead of 1.6 s, once a day.
- SQLite reporting damage while the app reads or writes: believed at once.
- ``dft check``: the full ``integrity_check``, on demand only.

Damage once found is written to :data:`RECORD_NAME` in the backup folder, so
every later open knows it without checking again; a restore or a ``dft
check`` that finds nothing clears it. The same record says which backups
passed their check, which pruning keeps.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

QUICK_CHECK_ON_OPEN_BYTES = 16 * 1024 * 1024
RECORD_NAME = "checks.json"
BUSY_TIMEOUT_SECONDS = 15
# SQLite's primary result codes for a damaged file (see sqlite3.h).
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


class _ReadingConnection(sqlite3.Connection):
    """A read-only connection that, once closed, removes the ``-wal``/``-shm`` files
    its reading created (see :func:`open_for_reading`)."""

    created_wal_of: Path | None = None

    def close(self) -> None:
        """Close, then tidy up after itself."""
        super().close()
        path, self.created_wal_of = self.created_wal_of, None
        if path is not None and path.with_name(f"{path.name}-wal").exists():
            _close_wal(path)


def _close_wal(path: Path) -> None:
    """Let SQLite remove the ``-wal``/``-shm`` files: a read-write connection does that
    when it closes as the last one (and, with nothing written, changes nothing)."""
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=0.1)
        try:
            connection.execute("PRAGMA query_only=ON")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        pass  # busy or gone: whoever uses it now removes them when done


def open_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that only reads ``path`` and leaves no ``-wal``/``-shm`` file behind.

    Read-only (``mode=ro``): on a WAL database that reads about 2.5 times as
    fast as a read-write connection, but it creates the ``-wal``/``-shm`` files
    and cannot remove them. When it created them (and the folder can be
    written), closing it lets SQLite remove them; files that were there
    already belong to someone else and stay.
    """
    created_wal = not path.with_name(f"{path.name}-wal").exists()
    connection = sqlite3.connect(
        f"file:{quote(str(path))}?mode=ro",
        uri=True,
        timeout=BUSY_TIMEOUT_SECONDS,
        factory=_ReadingConnection,
    )
    assert isinstance(connection, _ReadingConnection)
    if created_wal and os.access(path.parent, os.W_OK | os.X_OK) and os.access(path, os.W_OK):
        connection.created_wal_of = path
    return connection


def is_damage(error: BaseException) -> bool:
    """True when SQLite says the file is damaged (or not a database at all)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


@dataclass(frozen=True)
class Verdict:
    """What a check found: nothing (``ok``), or SQLite's findings and the tables they touch."""

    findings: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the check found nothing wrong."""
        return not self.findings

    def describe(self) -> str:
        """Where the damage is, in words: ``table deals``, or the file's own structure."""
        if self.tables:
            return ("table " if len(self.tables) == 1 else "tables ") + ", ".join(self.tables)
        return "the file's structure (free pages or the schema), not a table"


def _pragma_rows(connection: sqlite3.Connection, pragma: str) -> list[str]:
    return [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}")]


def check_connection(connection: sqlite3.Connection, *, full: bool = False) -> Verdict:
    """``quick_check`` (or, ``full``, ``integrity_check``) of the open database.

    When something is found, each table is checked on its own (with its
    indexes) to name the damaged ones; that costs a second pass, on damage only.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        findings = _pragma_rows(connection, pragma)
    except sqlite3.DatabaseError as exc:
        # SQLite stops the check at a page it cannot read at all.
        findings = [f"SQLite stopped the check: {exc}"]
    if findings == ["ok"]:
        return Verdict()
    try:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError:
        return Verdict(tuple(findings))
    damaged = []
    for table in tables:
        quoted = table.replace("'", "''")
        try:
            ok = _pragma_rows(connection, f"{pragma}('{quoted}')") == ["ok"]
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            damaged.append(table)
    return Verdict(tuple(findings), tuple(damaged))


def check_file(path: Path, *, full: bool = False) -> Verdict:
    """:func:`check_connection` of the file at ``path``, read only."""
    try:
        connection = open_for_reading(path)
    except sqlite3.Error as exc:
        return Verdict((f"the database cannot be opened ({exc})",))
    try:
        return check_connection(connection, full=full)
    finally:
        connection.close()


@dataclass
class CheckRecord:
    """What the checks found, kept in the backup folder: whether the database is known
    to be damaged, and which backups passed their check (by name and size)."""

    folder: Path
    damage: str | None = None
    backups: dict[str, int] = field(default_factory=dict)  # name -> size when it passed
    failed: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, folder: Path) -> CheckRecord:
        """The record in ``folder``; an empty one when there is none (or it is unreadable)."""
        record = cls(folder)
        try:
            data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
            record.damage = data.get("damage")
            record.backups = {str(k): int(v) for k, v in data.get("passed", {}).items()}
            record.failed = {str(name) for name in data.get("failed", [])}
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        return record

    def save(self) -> None:
        """Write the record (owner-only, whole or not at all); a failure is only logged."""
        path = self.folder / RECORD_NAME
        partial = path.with_name(f".{RECORD_NAME}.partial")
        data = {"damage": self.damage, "passed": self.backups, "failed": sorted(self.failed)}
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1)
            partial.replace(path)
        except OSError as exc:
            log.warning("Cannot write the check record %s: %s", path, exc.strerror)

    def passed(self, backup: Path) -> bool | None:
        """Whether ``backup`` passed its check; None when it was never checked (or changed)."""
        if backup.name in self.failed:
            return False
        size = self.backups.get(backup.name)
        if size is None:
            return None
        try:
            return True if backup.stat().st_size == size else None
        except OSError:
            return None

    def note(self, backup: Path, passed: bool) -> None:
        """Remember whether ``backup`` passed its check."""
        self.backups.pop(backup.name, None)
        self.failed.discard(backup.name)
        if passed:
            self.backups[backup.name] = backup.stat().st_size
        else:
            self.failed.add(backup.name)

    def forget(self, backups: list[Path]) -> None:
        """Drop deleted backups from the record."""
        for backup in backups:
            self.backups.pop(backup.name, None)
            self.failed.discard(backup.name)
