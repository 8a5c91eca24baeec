"""The status bar's counts: the live deals, how many the filters show, overdue calls.

Counting a million deals takes a moment, so the counts are read in the background
while the first rows are painted; until then the label stays empty rather than
saying "0 deals".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy.orm import Session

from dft.core.deals import count_deals
from dft.core.follow_ups import count_overdue
from dft.ui.context import AppContext
from dft.ui.formatting import count_of
from dft.ui.worker import BackgroundRead

if TYPE_CHECKING:
    from dft.store.database import Database


class StatusCounts(QLabel):
    """ "300 deals · 12 shown · 3 follow-ups overdue", read off the GUI thread."""

    overdueRead = Signal(int)  # the number of overdue calls, each time it is read

    def __init__(
        self, context: AppContext, shown: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._shown = shown
        # live, trashed, overdue (None until first read)
        self._counts: tuple[int, int, int] | None = None
        self._reader = BackgroundRead(self)
        self._reader.finished.connect(self._read)

    def read(self) -> None:
        """Count again in the background (the data or the database changed)."""
        database = self._context.database
        today = self._context.today()

        def counts(session: Session) -> tuple[int, int, int]:
            return (
                count_deals(session),
                count_deals(session, in_trash=True),
                count_overdue(session, today),
            )

        self._reader.start(lambda: (database, self._context.read(counts)))

    def _read(self, result: object, error: BaseException | None) -> None:
        if error is not None:
            raise error  # said by the app's error handler, as a read on this thread would be
        database, counts = cast("tuple[Database, tuple[int, int, int]]", result)
        if database is not self._context.database:
            return  # another database was opened meanwhile; its own read follows
        self._counts = counts
        self.show_counts()
        self.overdueRead.emit(counts[2])

    def show_counts(self) -> None:
        """Say the counts, with how many rows the filters show now."""
        if self._counts is None:
            return  # not read yet: better nothing than "0 deals" for a moment
        live, _trashed, overdue = self._counts
        shown = self._shown()
        parts = [count_of(live, "deal")]
        if shown != live:
            parts.append(f"{shown:,} shown")
        if overdue:
            parts.append(f"{count_of(overdue, 'follow-up')} overdue")
        self.setText(" · ".join(parts))
