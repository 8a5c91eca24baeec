"""The import dialog's last page: what came in, where each value went, what was created.

It also says how many deals got a follow-up call (none due before today) and
how many are history that got none, and, after Undo, what was taken back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from dft.core.imported import Removed
from dft.exchange.importer import ImportResult
from dft.ui.dialogs.import_columns import wrapped
from dft.ui.formatting import count_of


class SummaryPage(QWidget):
    """What an import did, in words, with the table of values and their causes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = wrapped()
        self.headline.setAccessibleName("What came in")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headline.setFont(font)
        self.details = wrapped()
        self.details.setAccessibleName("Details")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Value in the file", "Rows", "Went to"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Where each value went")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addWidget(self.table, 1)

    def show_result(self, path: Path, result: ImportResult) -> None:
        """Say what ``result`` brought in from ``path``."""
        self.headline.setText(
            f"Added {count_of(result.added, 'deal')} from {count_of(result.rows_read, 'row')} "
            f"of {path.name}"
            + (
                f"; {result.already_present:,} were already there."
                if result.already_present
                else "."
            )
        )
        self.details.setText("\n".join(summary_lines(result)))
        self.table.setRowCount(len(result.values))
        for line, value in enumerate(result.values):
            self.table.setItem(line, 0, QTableWidgetItem(value.label))
            rows = QTableWidgetItem(f"{value.rows:,}")
            rows.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(line, 1, rows)
            target = value.target.label if value.target is not None else "no cause"
            self.table.setItem(line, 2, QTableWidgetItem(target))

    def show_undone(self, removed: Removed) -> None:
        """Say what Undo took back."""
        self.headline.setText(
            f"The import was undone: {count_of(removed.deals, 'deal')} removed with their calls."
        )
        taken = [
            count_of(removed.categories, "new category", "new categories"),
            count_of(removed.causes, "new cause"),
            count_of(removed.entries, "new name"),
        ]
        lines = [f"Also removed: {', '.join(taken)}."]
        if removed.kept:
            lines.append(
                f"{removed.kept:,} of the new causes, categories and names stay: other deals "
                "use them by now."
            )
        self.details.setText("\n".join(lines))
        self.table.setEnabled(False)


def summary_lines(result: ImportResult) -> list[str]:
    """The summary's lines after the headline, in a salesperson's words."""
    lines = []
    if result.categories_created:
        lines.append(
            "New categories, not classified yet (set them in Manage causes so they count on "
            f"their side of the split): {', '.join(result.categories_created)}."
        )
    if result.causes_created:
        causes = ", ".join(c.replace("/", " › ", 1) for c in result.causes_created)
        lines.append(f"New causes: {causes}.")
    if result.names_created:
        lines.append(f"Added to your lists: {', '.join(result.names_created)}.")
    if result.calls_scheduled:
        lines.append(
            f"{count_of(result.calls_scheduled, 'follow-up call')} scheduled, none due "
            "before today."
        )
    if result.win_back_calls:
        lines.append(f"{count_of(result.win_back_calls, 'win-back call')} scheduled.")
    if result.without_calls:
        lines.append(
            f"{count_of(result.without_calls, 'deal')} fell through more than "
            f"{result.history_days} days ago: history, so no automatic call."
        )
    if result.several_contacts:
        lines.append(
            f"{count_of(result.several_contacts, 'phone or e-mail cell')} held more than one; "
            "the first was kept."
        )
    if result.unused_columns:
        lines.append(f"Columns not imported: {', '.join(result.unused_columns)}.")
    if result.mapping_saved:
        lines.append("These choices are remembered for the next file with these headers.")
    return lines
