"""Copies of a SQLite database made with SQLite's online backup API.

The backup API copies a consistent snapshot even while another connection
writes, which a plain file copy of a WAL database does not.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from dft.core.errors import DftError


class BackupError(DftError):
    pass


def default_backup_dir(database_path: Path) -> Path:
    """Backups live beside the database, in ``<name>-backups/``."""
    return database_path.with_name(f"{database_path.stem}-backups")


def backup_sqlite_file(
    database_path: Path,
    *,
    reason: str = "manual",
    backup_dir: Path | None = None,
    destination: Path | None = None,
) -> Path:
    """Copy ``database_path`` to ``destination`` (default: a timestamped file in the backup dir)."""
    if destination is None:
        folder = backup_dir or default_backup_dir(database_path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        destination = folder / f"{database_path.stem}-{stamp}-{reason}.sqlite3"
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(destination, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(f"file:{quote(str(database_path))}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(destination)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        destination.unlink(missing_ok=True)
        raise BackupError(f"could not back up {database_path} to {destination}: {exc}") from exc
    return destination
