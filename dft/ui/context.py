"""What every window and view of one app instance shares, passed down from app.py.

Views never poke each other: after any action that wrote to the database the
context emits ``dataChanged`` once and every view refreshes itself. What an
action wants to tell the user in passing ("Deal logged") goes out through
``announced``; the window shows it in its status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dft.store.database import Database, DatabaseError, explain_operational_error

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
        except OperationalError as exc:
            raise self._explain(exc) from exc

    def _explain(self, error: OperationalError) -> DatabaseError:
        return explain_operational_error(self.database.location, error, self.database.url)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction; on success tell every view that data changed.

        The database's own failures (disk full, locked, read-only, a lost server
        connection) come out as a DatabaseError with a message fit for the user;
        the transaction is rolled back.
        """
        try:
            with self.sessions.begin() as session:
                result = work(session)
        except OperationalError as exc:
            raise self._explain(exc) from exc
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
