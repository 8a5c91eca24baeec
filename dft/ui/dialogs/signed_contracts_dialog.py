"""Reports > Contracts signed: the monthly figures the fall-through rate divides by."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core.dates import add_months, month_start
from dft.core.errors import DftError
from dft.core.lists import list_entries
from dft.core.models import Salesperson
from dft.core.signed_contracts import set_signed_contracts, signed_contracts
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.formatting import format_month

MONTHS_SHOWN = 24
TEAM = "Whole team"


class SignedContractsDialog(QDialog):
    """A grid: a row per month (newest first), a column for the team and each salesperson."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Contracts signed per month")
        newest = month_start(context.today())
        self.months = [add_months(newest, -i) for i in range(MONTHS_SHOWN)]

        def load(session: Session) -> tuple[Any, ...]:
            return (
                list_entries(session, Salesperson),
                signed_contracts(session, self.months[-1], self.months[0]),
            )

        people, entries = context.read(load)
        self.people = people
        self.table = QTableWidget(len(self.months), 1 + len(people))
        self.table.setHorizontalHeaderLabels([TEAM, *(p.name for p in people)])
        self.table.setVerticalHeaderLabels([format_month(m, short=True) for m in self.months])
        self.table.setAccessibleName("Contracts signed per month")
        column_of = {None: 0, **{p.name: i + 1 for i, p in enumerate(people)}}
        row_of = {m: i for i, m in enumerate(self.months)}
        for entry in entries:
            if entry.month in row_of and entry.salesperson in column_of:
                self.table.setItem(
                    row_of[entry.month],
                    column_of[entry.salesperson],
                    QTableWidgetItem(str(entry.contracts)),
                )
        self.table.resizeColumnsToContents()
        note = QLabel(
            "Type how many contracts were signed each month. With these the dashboard "
            "and the monthly report show the fall-through rate (deals that fell through "
            "÷ contracts signed). Leave a cell empty when you do not know."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 520)

    def values(self) -> dict[tuple[date, int | None], int | None]:
        """Every cell: (month, salesperson id or None for the team) -> count or None."""
        result: dict[tuple[date, int | None], int | None] = {}
        for row, month in enumerate(self.months):
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                text = item.text().strip() if item is not None else ""
                person = None if column == 0 else self.people[column - 1].id
                if text and not text.isdigit():
                    header = self.table.horizontalHeaderItem(column)
                    who = header.text() if header is not None else ""
                    raise ValueError(
                        f"{format_month(month, short=True)}, {who}: '{text}' is not a whole number"
                    )
                result[(month, person)] = int(text) if text else None
        return result

    def save(self) -> None:
        """Save every cell; bad input is said and nothing is saved."""
        try:
            values = self.values()

            def write(session: Session) -> None:
                for (month, person), count in values.items():
                    set_signed_contracts(session, month, count, salesperson_id=person)

            self._context.write(write)
        except (ValueError, DftError) as exc:
            ask.warn(self, str(exc), "Cannot save")
            return
        self.accept()

    def set_cell(self, month: date, column: int, text: str) -> None:
        """Type ``text`` into the cell of ``month`` and ``column`` (0: the whole team)."""
        self.table.setItem(self.months.index(month), column, QTableWidgetItem(text))
        self.table.item(self.months.index(month), column).setTextAlignment(  # type: ignore[union-attr]
            Qt.AlignmentFlag.AlignRight
        )
