"""The Trash tab: deleted deals, to restore or to delete for good."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dft.core.queries import DealFilter
from dft.ui.context import AppContext
from dft.ui.icons import icon
from dft.ui.models.deals_table import DealsTableModel
from dft.ui.views.lazy import RefreshWhenShown
from dft.ui.views.tables import record_table


class TrashView(RefreshWhenShown):
    """The Trash tab: deals in the trash, with Restore, Delete forever and Empty trash."""

    restoreRequested = Signal(list)
    purgeRequested = Signal(list)
    emptyRequested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.model = DealsTableModel(
            context.read_sessions, DealFilter(in_trash=True), today=context.today, parent=self
        )
        self.table = record_table(self.model, "Deals in the trash", stretch_last=False)
        self.summary = QLabel()
        self.restore_button = QPushButton(icon("restore"), "Restore")
        self.restore_button.setToolTip("Put the selected deals back")
        self.purge_button = QPushButton(icon("purge"), "Delete forever…")
        self.purge_button.setToolTip("Delete the selected deals for good (cannot be undone)")
        self.empty_button = QPushButton("Empty trash…")
        self.empty_button.setToolTip("Delete every deal in the trash for good")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.restore_button)
        top.addWidget(self.purge_button)
        top.addWidget(self.empty_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.restore_button.clicked.connect(lambda: self.restoreRequested.emit(self.selected_ids()))
        self.purge_button.clicked.connect(lambda: self.purgeRequested.emit(self.selected_ids()))
        self.empty_button.clicked.connect(self.emptyRequested)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        context.dataChanged.connect(self.data_changed)
        context.databaseChanged.connect(self._database_changed)

    def _database_changed(self) -> None:
        self.model.set_sessions(self._context.read_sessions)

    def reload(self) -> None:
        """Read the trash again."""
        self.model.reload()
        count = self.model.rowCount()
        self.summary.setText(
            f"{count} deal{'s' if count != 1 else ''} in the trash. "
            "Trashed deals never count in lists or reports."
        )
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        """The ids of the selected deals."""
        return [
            self.model.deal_id_at(index.row())
            for index in self.table.selectionModel().selectedRows()
        ]

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectionModel().selectedRows())
        self.restore_button.setEnabled(selected)
        self.purge_button.setEnabled(selected)
        self.empty_button.setEnabled(self.model.rowCount() > 0)
