"""The database itself: back up, restore, check; open a new one, another one, the team's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from dft.core import settings
from dft.store.backup import default_backup_dir
from dft.store.database import Database
from dft.store.maintenance import backup_database, check_database, restore_database
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.team_dialog import TeamDatabaseDialog
from dft.ui.formatting import count_of
from dft.ui.operations.runner import run
from dft.ui.window_state import FileFolder, FileKind

BACKUP_FILES = "DFT backups (*.sqlite3);;All files (*)"

# Opens a database by path or URL, asking the user what to do when it cannot
# (app.py passes the one that offers another file or a new one).
DatabaseOpener = Callable[[QWidget, str], Database | None]


def back_up(parent: QWidget, context: AppContext) -> None:
    """Copy the database into its backup folder now."""

    def copy() -> Path:
        keep = context.read(lambda s: settings.get_int(s, settings.BACKUPS_KEPT))
        return backup_database(context.database.url, keep=keep)

    done = run(parent, context, copy, failure_title="Cannot back up")
    if done is not None:
        context.announce(f"Backed up to {done.value}", 8000)


def restore_backup(parent: QWidget, context: AppContext, open_database: DatabaseOpener) -> None:
    """Replace the database with a backup the user picks (the current one is backed up first)."""
    location = context.database.path
    if location is None:
        ask.warn(parent, "Restore works on SQLite database files.")
        return
    place = FileFolder(context.settings, FileKind.BACKUP, default_backup_dir(location))
    path = ask.ask_open_path(parent, "Restore from backup", place, BACKUP_FILES)
    if not path or not ask.confirm(
        parent,
        "Restore this backup?",
        f"Replace the database with {Path(path).name}? The database as it is now is "
        "backed up first.",
    ):
        return
    url = context.database.url
    context.database.close()
    done = run(
        parent, context, lambda: restore_database(url, Path(path)), failure_title="Cannot restore"
    )
    # Restored or not, the window goes on with the database at its usual place.
    reopened = open_database(parent, str(location))
    if reopened is not None:
        context.switch_database(reopened)
    if done is not None:
        report, saved = done.value
        restored = count_of(report.deals or 0, "deal")
        context.announce(f"Restored {restored}. The previous database is saved in {saved}.", 10000)


def check(parent: QWidget, context: AppContext) -> None:
    """Check the database's integrity and schema version, and say what was found."""
    done = run(
        parent, context, lambda: check_database(context.database.url), failure_title="Cannot check"
    )
    if done is None:
        return
    report = done.value
    lines = "\n".join(
        [
            "Integrity: "
            + ("ok" if report.integrity == ["ok"] else "; ".join(report.integrity[:5])),
            f"Foreign keys: {'ok' if not report.foreign_key_problems else 'broken'}",
            f"Schema version: {report.schema_revision}",
            f"Deals: {report.deals}",
        ]
    )
    if report.ok:
        ask.inform(parent, f"All good.\n\n{lines}", "Database check")
    else:
        ask.warn(parent, f"Problems found.\n\n{lines}", "Database check")


def show_warnings(parent: QWidget, context: AppContext) -> None:
    """Say what the user should know about the open database (a network drive, ...)."""
    for warning in context.database.warnings:
        ask.warn(parent, warning, "About this database")


def choose_new_database(parent: QWidget, settings: QSettings) -> str | None:
    """Where to create a new, empty database file; None when cancelled or taken."""
    place = FileFolder(settings, FileKind.DATABASE)
    path = ask.ask_save_path(parent, "New database", place, "dft.sqlite3", ask.NEW_DATABASE_FILES)
    if path and Path(path).exists():
        ask.warn(parent, f"{path} already exists; open it instead.")
        return None
    return path or None


def choose_database(parent: QWidget, settings: QSettings) -> str | None:
    """An existing database file to open; None when cancelled."""
    place = FileFolder(settings, FileKind.DATABASE)
    return ask.ask_open_path(parent, "Open database", place, ask.DATABASE_FILES) or None


def choose_team_database(parent: QWidget, recent: list[str]) -> str | None:
    """The team's PostgreSQL database, as a URL with any typed password; None when cancelled."""
    last = next((r for r in recent if r.startswith("postgresql")), None)
    dialog = TeamDatabaseDialog(last, parent)
    url = dialog.url() if run_modal(dialog) else None
    # The typed password travels in memory only: what is remembered and
    # announced is the database's reopen_location, without it.
    return url.render_as_string(hide_password=False) if url is not None else None


def switch_database(
    parent: QWidget, context: AppContext, open_database: DatabaseOpener, location: str
) -> Database | None:
    """Open the database at ``location`` and make it the app's; None when it stayed closed."""
    database = open_database(parent, location)
    if database is not None:
        context.switch_database(database)
    return database
