"""What every window and view of one app instance shares, passed down from app.py.

Views never poke each other: after any action that wrote to the database the
context emits ``dataChanged`` once and every view refreshes itself. What an
action wants to tell the user in passing ("Deal logged") goes out through
``announced``; the window shows it in its status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dft.store.database import Database, DatabaseError, explain_operational_error
from dft.store.refusals import explain_refusal, is_refusal

log = logging.getLogger(__name__)

T = TypeVar("T")


class AppContext(QObject):
    """The database, settings, undo stack and clock one app instance shares."""

    dataChanged = Signal()
    databaseChanged = Signal()
    announced = Signal(str, int)  # text, how long to show it (ms)

    def __init__(
        self,
        database: Database,
        settings: QSettings,
        today: Callable[[], date] = date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings
        self.today = today
        self.undo_stack = QUndoStack(self)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions for user actions that write (one transaction each)."""
        return self.database.sessions

    @property
    def read_sessions(self) -> sessionmaker[Session]:
        """Sessions that never take the write lock: for screens that only look."""
        return self.database.read_sessions

    def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read-only transaction; a database failure comes out said plainly."""
        try:
            with self.read_sessions.begin() as session:
                return work(session)
        except DBAPIError as exc:
            explained = self._explain(exc)
            if explained is None:
                raise
            raise explained from exc

    def _explain(self, error: DBAPIError) -> DatabaseError | None:
        """The database's own failure said for the user; None when it has no words for it."""
        if isinstance(error, OperationalError):
            return explain_operational_error(self.database.location, error, self.database.url)
        if is_refusal(error):
            # Its text holds the SQL and every parameter: for the log file only.
            log.error("The database refused a change", exc_info=error)
            return explain_refusal(self.database.location, error)
        return None

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction; on success tell every view that data changed.

        The database's own failures (disk full, locked, read-only, a lost server
        connection) come out as a DatabaseError with a message fit for the user;
        the transaction is rolled back.
        """
        try:
            with self.sessions.begin() as session:
                result = work(session)
        except DBAPIError as exc:
            explained = self._explain(exc)
            if explained is None:
                raise
            raise explained from exc
        self.dataChanged.emit()
        return result

    def announce(self, text: str, milliseconds: int = 5000) -> None:
        """Tell the user in passing what an action did (the status bar shows it)."""
        self.announced.emit(text, milliseconds)

    def switch_database(self, database: Database) -> None:
        """Go on with ``database``: the old one closed, undo history dropped, every view re-read."""
        old = self.database
        self.database = database
        self.undo_stack.clear()
        old.close()
        self.databaseChanged.emit()
        self.dataChanged.emit()
