"""The composition root of the desktop app: settings, logging, database, window."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from dft import APP_NAME, __version__
from dft.core.errors import DftError
from dft.store.backup import default_backup_dir, newest_good_backup
from dft.store.database import (
    Database,
    DatabaseError,
    PasswordRefusedError,
    explain_connection_error,
    open_database,
)
from dft.store.location import APP_DIR_NAME, resolve_database_url, sqlite_url
from dft.store.logs import (
    configure_logging,
    keep_out_of_logs,
    log_file,
    log_unexpected_error,
    scrub,
)
from dft.store.maintenance import restore_database
from dft.store.refusals import explain_refusal, is_refusal
from dft.ui import ask
from dft.ui.ask import OpenChoice
from dft.ui.context import AppContext
from dft.ui.icons import icon
from dft.ui.main_window import MainWindow
from dft.ui.theme import follow_system_theme
from dft.ui.window_state import FileFolder, FileKind
from dft.ui.worker import stop_background_work

log = logging.getLogger(__name__)


def settings_path() -> Path:
    """Where the window's own settings (size, filters, recent databases) are kept."""
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / "settings.ini"


def window_settings() -> QSettings:
    """The window's settings file (size, filters, recent databases, folders)."""
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def install_error_handler(parent: Callable[[], QWidget | None]) -> None:
    """Unexpected errors go to the log file; the user sees a short message, never a traceback."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log_unexpected_error(kind, error, tb)
        window = parent()
        if isinstance(error, DBAPIError) and isinstance(window, MainWindow):
            # A screen reading on its own (scrolling, refreshing) when the server went away.
            error = explain_connection_error(window.context.database.url, error) or error
        if isinstance(error, DftError):  # already said for a user (a lost connection, ...)
            QMessageBox.warning(window, "Cannot do that", str(error))
            return
        if is_refusal(error):
            QMessageBox.warning(window, "Not saved", explain_refusal("database", error).message)
            return
        # A database or driver error's text holds SQL and other people's rows: not shown.
        said = "" if _from_a_database(error) else f": {scrub(str(error))}"
        QMessageBox.critical(
            window,
            "Something went wrong",
            f"{APP_NAME} hit an unexpected problem{said}\n\n"
            f"Nothing you saved before is lost. Details are in {log_file()}.",
        )

    sys.excepthook = handle


def _from_a_database(error: BaseException) -> bool:
    """True for an error of SQLAlchemy or a database driver (sqlite3, psycopg)."""
    module = type(error).__module__.split(".")[0]
    return module in ("sqlalchemy", "sqlite3", "psycopg", "_sqlite3")


def open_with_dialogs(
    parent: QWidget | None, url: URL, settings: QSettings | None = None
) -> Database | None:
    """Open ``url``; when that fails, say why and offer another file or a new one."""
    place = FileFolder(settings or window_settings(), FileKind.DATABASE)
    while True:
        keep_out_of_logs(url)
        try:
            database = open_database(url)
            if database.damaged is None or database.path is None:
                return database
            choice = _after_damage(parent, database, database.path, database.damaged)
        except DatabaseError as error:
            log.warning("Cannot open %s: %s", error.location, error.message)
            if isinstance(error, PasswordRefusedError):
                password = ask.ask_password(parent, url, retrying=bool(url.password))
                if password is not None:
                    url = url.set(password=password)
                    continue
            choice = ask.ask_after_open_error(parent, error)
        if choice in (OpenChoice.RETRY, OpenChoice.RESTORE):
            continue
        if choice == OpenChoice.OTHER:
            path = ask.ask_open_path(parent, "Open database", place, ask.DATABASE_FILES)
        elif choice == OpenChoice.NEW:
            path = ask.ask_save_path(
                parent, "New database", place, "dft.sqlite3", ask.NEW_DATABASE_FILES
            )
        else:
            return None
        if not path:
            return None
        url = sqlite_url(Path(path))


def _after_damage(parent: QWidget | None, database: Database, path: Path, where: str) -> OpenChoice:
    """Ask what to do about a damaged database; restore its newest good backup if asked."""
    newest = newest_good_backup(default_backup_dir(path))
    database.close()
    choice = ask.ask_after_damage(parent, str(path), where, newest)
    if choice == OpenChoice.RESTORE and newest is not None:
        try:
            restore_database(database.url, newest)
        except DftError as error:
            ask.warn(parent, str(error), "Cannot restore")
            return OpenChoice.QUIT
        log.info("Restored %s from %s after damage was found", path, newest)
    return choice


# A worker thread running Python (the preview's report and charts, an import) holds
# the interpreter's lock, and the GUI thread waits for it each time Qt calls back into
# Python, several times an event. At the default 5 ms a wait, the preview stalled the
# window for 60-110 ms; at 1 ms, under 50 (python -m tests.benchmarks).
GUI_SWITCH_INTERVAL = 0.001


def create_application() -> QApplication:
    """The QApplication, set up once: name, icon, high-DPI rounding, theme, and a GUI
    thread that gets Python's lock back quickly from a busy worker."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_DIR_NAME)
    app.setDesktopFileName("dft-tracker")
    app.setWindowIcon(icon("dft-tracker"))
    follow_system_theme(app)
    return app


def build_main_window(database: Database, settings: QSettings) -> MainWindow:
    """The main window on ``database``, opening other databases with dialogs."""
    context = AppContext(database, settings)
    return MainWindow(
        context,
        open_database=lambda parent, location: open_with_dialogs(
            parent, resolve_database_url(location), settings
        ),
    )


# Smoke tests of a build (.ci/bundle): DFT_QUIT_AFTER_SHOWN=SECONDS prints when the
# window is on screen, opens every tab, and quits SECONDS later.
QUIT_AFTER_SHOWN = "DFT_QUIT_AFTER_SHOWN"


def _quit_after_shown(app: QApplication, window: MainWindow, seconds: float) -> None:
    def shown() -> None:
        sys.stderr.write(f"dft: window shown at {time.time():.3f}\n")
        sys.stderr.flush()
        if icon("dft-tracker").pixmap(32).isNull():
            sys.stderr.write("dft: the window icon did not render (no SVG support)\n")
            app.exit(1)
            return
        for tabs in window.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
        QTimer.singleShot(round(seconds * 1000), app.quit)

    QTimer.singleShot(0, shown)


def run(database_argument: str | None, when_shown: Callable[[], None] | None = None) -> int:
    """Start the app on ``--db``/``DFT_DATABASE``/the default file; returns the exit code.

    ``when_shown`` runs once the window's first page is painted (start-up is over)."""
    configure_logging()
    app = create_application()
    windows: list[MainWindow] = []
    install_error_handler(lambda: windows[0] if windows else None)
    settings = window_settings()
    database = open_with_dialogs(None, resolve_database_url(database_argument), settings)
    if database is None:
        return 1
    log.info("Opened %s", database.location)
    window = build_main_window(database, settings)
    windows.append(window)
    window.show()
    if when_shown is not None:
        QTimer.singleShot(0, when_shown)
    window.show_database_warnings()
    if os.environ.get(QUIT_AFTER_SHOWN):
        _quit_after_shown(app, window, float(os.environ[QUIT_AFTER_SHOWN]))
    try:
        return app.exec()
    finally:
        close_down(app, window)
        windows.clear()


def close_down(app: QApplication, window: MainWindow) -> None:
    """Take the window apart while the application still runs, in an order Qt expects.

    Left to Python's own exit, Qt objects are freed in no particular order and some
    after the QApplication: a thread still exporting is destroyed while it runs
    (which aborts), a window outlives the application. Here: background work
    stopped, the undo history dropped, the window and its children deleted, then
    the database closed.
    """
    stop_background_work(window)
    context = window.context
    context.undo_stack.clear()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    context.database.close()
