"""The composition root of the desktop app: settings, logging, database, window."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from dft import APP_NAME, __version__
from dft.core.errors import DftError
from dft.store.database import (
    Database,
    DatabaseError,
    PasswordRefusedError,
    explain_connection_error,
    open_database,
)
from dft.store.location import (
    APP_DIR_NAME,
    redact,
    resolve_database_url,
    sqlite_url,
    user_log_dir,
)
from dft.ui import ask
from dft.ui.ask import OpenChoice
from dft.ui.context import AppContext
from dft.ui.icons import icon
from dft.ui.main_window import MainWindow
from dft.ui.theme import follow_system_theme
from dft.ui.window_state import FileFolder, FileKind

log = logging.getLogger("dft")


def settings_path() -> Path:
    """Where the window's own settings (size, filters, recent databases) are kept."""
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / "settings.ini"


def window_settings() -> QSettings:
    """The window's settings file (size, filters, recent databases, folders)."""
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def log_path() -> Path:
    return user_log_dir() / "dft.log"


class RedactingFormatter(logging.Formatter):
    """Log lines and tracebacks with every known database password masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.urls: list[URL] = []

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(super().format(record))

    def scrub(self, text: str) -> str:
        text = redact(text)  # PGPASSWORD, always
        for url in self.urls:
            text = redact(text, url)
        return text


_formatter = RedactingFormatter()


def keep_out_of_logs(url: URL) -> None:
    """Whatever is logged from now on never shows ``url``'s password."""
    if url.password and url not in _formatter.urls:
        _formatter.urls.append(url)


def configure_logging() -> Path:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(_formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def install_error_handler(parent: Callable[[], QWidget | None]) -> None:
    """Unexpected errors go to the log file; the user sees a short message, never a traceback."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        window = parent()
        if isinstance(error, DBAPIError) and isinstance(window, MainWindow):
            # A screen reading on its own (scrolling, refreshing) when the server went away.
            error = explain_connection_error(window.context.database.url, error) or error
        if isinstance(error, DftError):  # already said for a user (a lost connection, ...)
            QMessageBox.warning(window, "Cannot do that", str(error))
            return
        said = _formatter.scrub(str(error))
        QMessageBox.critical(
            window,
            "Something went wrong",
            f"{APP_NAME} hit an unexpected problem: {said}\n\n"
            f"Nothing you saved before is lost. Details are in {log_path()}.",
        )

    sys.excepthook = handle


def open_with_dialogs(
    parent: QWidget | None, url: URL, settings: QSettings | None = None
) -> Database | None:
    """Open ``url``; when that fails, say why and offer another file or a new one."""
    place = FileFolder(settings or window_settings(), FileKind.DATABASE)
    while True:
        keep_out_of_logs(url)
        try:
            return open_database(url)
        except DatabaseError as error:
            log.warning("Cannot open %s: %s", error.location, error.message)
            if isinstance(error, PasswordRefusedError):
                password = ask.ask_password(parent, url, retrying=bool(url.password))
                if password is not None:
                    url = url.set(password=password)
                    continue
            choice = ask.ask_after_open_error(parent, error)
        if choice == OpenChoice.RETRY:
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


def create_application() -> QApplication:
    """The QApplication, set up once: name, icon, high-DPI rounding, theme."""
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


def run(database_argument: str | None) -> int:
    """Start the app on ``--db``/``DFT_DATABASE``/the default file; returns the exit code."""
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
    window.show_database_warnings()
    code = app.exec()
    window.context.database.close()
    return code
