"""The "Follow-ups due" tab: every open call across all deals."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dft.core.follow_ups import Due
from dft.ui import shortcuts
from dft.ui.context import AppContext
from dft.ui.icons import icon
from dft.ui.models.follow_ups_table import MAX_ROWS, FollowUpsTableModel
from dft.ui.views.lazy import RefreshWhenShown
from dft.ui.views.tables import record_table


class FollowUpsView(RefreshWhenShown):
    """The Follow-ups due tab: every open call, with Log call, Cancel call and Show deal."""

    logCallRequested = Signal(int, int)  # deal id, follow-up id
    cancelCallRequested = Signal(int, int)  # deal id, follow-up id
    openDealRequested = Signal(int)
    linkRequested = Signal(QUrl)  # a client's phone or e-mail was clicked

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.model = FollowUpsTableModel(context, self)
        self.table = record_table(self.model, "Follow-up calls due", several=False)
        self.show_combo = QComboBox()
        for label, key in (
            ("All open calls", "all"),
            ("Overdue", "overdue"),
            ("Due today or overdue", "today"),
            ("Due within 7 days", "week"),
        ):
            self.show_combo.addItem(label, key)
        self.show_combo.setAccessibleName("Which calls")
        self.summary = QLabel()
        self.log_button = QPushButton(icon("call-log"), "Log call…")
        self.log_button.setToolTip(
            f"Record the call for the selected deal ({shortcuts.label(shortcuts.LOG_CALL)})"
        )
        self.cancel_button = QPushButton("Cancel call")
        self.cancel_button.setToolTip(
            f"Drop this scheduled call (undo with {shortcuts.label(shortcuts.UNDO)})"
        )
        self.open_button = QPushButton("Show deal")
        self.open_button.setToolTip("Show the deal in the Deals tab")
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.show_combo)
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.log_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.show_combo.currentIndexChanged.connect(self._show_changed)
        self.log_button.clicked.connect(self.log_selected)
        self.open_button.clicked.connect(self._open_selected)
        self.cancel_button.clicked.connect(self._cancel_selected)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        context.dataChanged.connect(self.data_changed)

    def _show_changed(self) -> None:
        self.model.show = self.show_combo.currentData()
        self.reload()

    def reload(self) -> None:
        """Read the open calls again and count the overdue and today's."""
        self.model.reload()
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        overdue = sum(1 for r in rows if r is not None and r.due == Due.OVERDUE)
        today = sum(1 for r in rows if r is not None and r.due == Due.TODAY)
        more = f" (showing the first {MAX_ROWS:,})" if len(rows) >= MAX_ROWS else ""
        self.summary.setText(
            f"<b style='color:#c0392b'>{overdue:,} overdue</b> · {today:,} due today · "
            f"{len(rows):,} shown{more}"
        )
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> tuple[int, int] | None:
        """The selected call as (deal id, follow-up id), or None."""
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        row = self.model.row_at(indexes[0].row())
        return (row.deal_id, row.follow_up_id) if row else None

    def _update_buttons(self) -> None:
        enabled = self.selected() is not None
        self.log_button.setEnabled(enabled)
        self.open_button.setEnabled(enabled)
        self.cancel_button.setEnabled(enabled)

    def log_selected(self) -> None:
        """Ask for the selected call to be logged."""
        selected = self.selected()
        if selected is not None:
            self.logCallRequested.emit(*selected)

    def _clicked(self, index: QModelIndex) -> None:
        link = self.model.link_at(index)
        if link is not None:
            self.linkRequested.emit(link)

    def _double_clicked(self, index: QModelIndex) -> None:
        # A double click on a phone number or e-mail is two clicks on the link, not a call logged.
        if self.model.link_at(index) is None:
            self.log_selected()

    def _cancel_selected(self) -> None:
        selected = self.selected()
        if selected is not None:
            self.cancelCallRequested.emit(*selected)

    def _open_selected(self) -> None:
        selected = self.selected()
        if selected is not None:
            self.openDealRequested.emit(selected[0])
