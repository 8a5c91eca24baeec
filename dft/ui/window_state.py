"""What the window remembers between runs: size, splitter, columns, filters, recent databases.

All of it lives in the window's settings file (QSettings), never in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

if TYPE_CHECKING:
    from dft.ui.views.filter_bar import FilterBar

MAX_RECENT = 8
DEFAULT_SIZE = (1280, 780)

GEOMETRY = "window/geometry"
TOOLBARS = "window/state"
SPLITTER = "deals/splitter"
# Renamed when the notes column came: widths saved for the old columns do not fit.
COLUMNS = "deals/columns"
FILTERS = "deals/filters"
DETAIL_VISIBLE = "deals/detailVisible"
RECENT = "recentDatabases"
LAST_DATABASE = "lastDatabase"
LAST_FOLDER = "lastFolder/{kind}"


class FileKind(StrEnum):
    """The kinds of file a dialog asks for; each remembers its own folder."""

    DATABASE = "database"
    BACKUP = "backup"
    IMPORT = "import"
    EXPORT = "export"
    REPORT = "report"
    CHART = "chart"


def documents_folder() -> Path:
    """The user's documents folder (their home folder where there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


@dataclass(frozen=True)
class FileFolder:
    """Where a file dialog opens: the folder last used for that kind of file, else
    ``default``, else the user's documents; never the working directory."""

    settings: QSettings
    kind: FileKind
    default: Path | None = None

    def start(self, name: str = "") -> str:
        """The folder to open in, with ``name`` suggested in it."""
        last = self.settings.value(LAST_FOLDER.format(kind=self.kind))
        folder = Path(str(last)) if last and Path(str(last)).is_dir() else None
        folder = folder or (self.default if self.default and self.default.is_dir() else None)
        folder = folder or documents_folder()
        return str(folder / name) if name else str(folder)

    def remember(self, path: str) -> None:
        """The user picked ``path``: its folder is where the next dialog of this kind opens."""
        if path:
            self.settings.setValue(LAST_FOLDER.format(kind=self.kind), str(Path(path).parent))


class WindowState:
    """Restores and saves the layout of one main window."""

    def __init__(
        self,
        settings: QSettings,
        window: QMainWindow,
        splitter: QSplitter,
        columns: QHeaderView,
        filter_bar: FilterBar,
        detail_action: QAction,
    ) -> None:
        self.settings = settings
        self.window = window
        self.splitter = splitter
        self.columns = columns
        self.filter_bar = filter_bar
        self.detail_action = detail_action

    def restore(self) -> bool:
        """Put the window back as it was left (a first run gets the default size); True
        when the user's own column widths came back."""
        settings = self.settings
        geometry = settings.value(GEOMETRY)
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        else:
            self.window.resize(*DEFAULT_SIZE)
        restored = {}
        for key, restore in (
            (TOOLBARS, self.window.restoreState),
            (SPLITTER, self.splitter.restoreState),
            (COLUMNS, self.columns.restoreState),
        ):
            state = settings.value(key)
            restored[key] = isinstance(state, QByteArray) and bool(restore(state))
        try:
            filters = json.loads(str(settings.value(FILTERS, "{}")))
        except ValueError:
            filters = {}
        if isinstance(filters, dict):
            self.filter_bar.restore_state(filters)
        self.detail_action.setChecked(str(settings.value(DETAIL_VISIBLE, "true")).lower() == "true")
        return restored[COLUMNS]

    def save(self, database_location: str) -> None:
        """Remember the layout, and the database to reopen, for the next run."""
        settings = self.settings
        settings.setValue(GEOMETRY, self.window.saveGeometry())
        settings.setValue(TOOLBARS, self.window.saveState())
        settings.setValue(SPLITTER, self.splitter.saveState())
        settings.setValue(COLUMNS, self.columns.saveState())
        settings.setValue(FILTERS, json.dumps(self.filter_bar.state()))
        settings.setValue(DETAIL_VISIBLE, self.detail_action.isChecked())
        settings.setValue(LAST_DATABASE, database_location)
        settings.sync()


def recent_databases(settings: QSettings) -> list[str]:
    """The databases opened lately, the latest first (file paths, URLs without passwords)."""
    try:
        value = json.loads(str(settings.value(RECENT, "[]")))
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_database(settings: QSettings, location: str) -> list[str]:
    """Put ``location`` first in the recent list (kept to MAX_RECENT); the new list."""
    recent = [location, *[r for r in recent_databases(settings) if r != location]][:MAX_RECENT]
    settings.setValue(RECENT, json.dumps(recent))
    return recent
