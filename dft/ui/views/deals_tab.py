"""The Deals tab: the table of lost deals beside the selected deal's details.

The detail pane follows the selection, and the deal it shows stays selected
when the table is read again (a filter changed, an edit, a refresh). While the
database holds no deal at all (none in the trash either) the tab shows the
welcome panel instead: a way in, not an empty table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dft.ui import shortcuts
from dft.ui.context import AppContext
from dft.ui.models.deals_table import COLUMN_INDEX, COLUMNS, DealsTableModel
from dft.ui.views.deal_detail import DealDetailPane
from dft.ui.views.tables import record_table
from dft.ui.views.welcome import WelcomePanel

# A first run sizes the columns to what they show, each at most this wide (the
# user's own widths are remembered); the notes column, last, takes the rest.
WIDEST = {"client_name": 170, "contract_number": 120, "category": 140, "cause": 210,
          "salesperson": 130, "lead_source": 110, "community": 120}  # fmt: skip
# When even that is too wide for the window, these give way first, down to this.
NARROWEST = {"cause": 110, "client_name": 100, "salesperson": 95, "category": 100}
NOTES_AT_LEAST = 70
DETAIL_WIDTH = 320
# Shown again from the header's menu (right click): the filter bar and the detail
# pane already say them, and at 1280 pixels the cause and the notes need the room.
HIDDEN_AT_FIRST = ("cause_status", "lead_source", "community")


class DealsTab(QStackedWidget):
    """The deals table (newest first, sortable) and the detail pane, or the welcome panel."""

    selectionChanged = Signal()
    clearFiltersRequested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DealsTableModel(context.read_sessions, today=context.today, parent=self)
        self.table = record_table(self.model, "Lost deals")
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSortIndicator(
            COLUMN_INDEX["fell_through_on"], Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # sized to the rows in view: a page, not 100,000
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for key in HIDDEN_AT_FIRST:
            self.table.setColumnHidden(COLUMN_INDEX[key], True)
        # Sized to their content once there is some to see (unless the user's own
        # widths were restored: see keep_column_widths).
        self._fit_pending = True
        self.no_match = self._no_match_notice()
        self.table.viewport().installEventFilter(self)
        self.detail = DealDetailPane(context)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        # A wider window widens the table; the detail pane keeps its width.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([960, DETAIL_WIDTH])
        self.splitter.setChildrenCollapsible(False)
        self.page = QWidget()
        page_layout = QVBoxLayout(self.page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.splitter, 1)
        self.welcome = WelcomePanel()
        self.addWidget(self.page)
        self.addWidget(self.welcome)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._model_reset)

    # -- Columns --------------------------------------------------------------------

    def keep_column_widths(self) -> None:
        """The user's own column widths were restored: do not size them to the content."""
        self._fit_pending = False

    def fit_columns(self) -> None:
        """Size each column to what it shows (within limits); the notes take the rest."""
        header = self.table.horizontalHeader()
        widths: dict[str, int] = {}
        for column in COLUMNS[:-1]:
            index = COLUMN_INDEX[column.key]
            if self.table.isColumnHidden(index):
                continue
            wanted = max(self.table.sizeHintForColumn(index), header.sectionSizeHint(index))
            widths[column.key] = min(wanted, WIDEST.get(column.key, wanted))
        room = self.table.viewport().width() - NOTES_AT_LEAST
        for key, narrowest in NARROWEST.items():
            excess = sum(widths.values()) - room
            if excess <= 0:
                break
            if key in widths:
                widths[key] = max(narrowest, widths[key] - excess)
        for key, width in widths.items():
            self.table.setColumnWidth(COLUMN_INDEX[key], width)
        # The stretched last column grows from its own width but never shrinks below
        # it: start it narrow, and it takes exactly the room left.
        header.setStretchLastSection(False)
        self.table.setColumnWidth(COLUMN_INDEX["notes"], NOTES_AT_LEAST)
        header.setStretchLastSection(True)
        self._fit_pending = False

    def _fit_when_ready(self) -> None:
        if self._fit_pending and self.table.isVisible() and self.model.rowCount():
            # Once the window has its size and the scroll bars are in place.
            QTimer.singleShot(0, self._fit_now)

    def _fit_now(self) -> None:
        if self._fit_pending and self.table.isVisible() and self.model.rowCount():
            self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_when_ready()

    def _column_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        for column in COLUMNS[1:]:  # the date stays: the table is sorted by it
            index = COLUMN_INDEX[column.key]
            action = QAction(column.title, menu)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(index))
            action.toggled.connect(lambda shown, i=index: self.table.setColumnHidden(i, not shown))
            menu.addAction(action)
        menu.exec(self.table.horizontalHeader().mapToGlobal(point))
        menu.deleteLater()

    # -- No deal matches --------------------------------------------------------------

    def _no_match_notice(self) -> QWidget:
        notice = QWidget(self.table.viewport())
        label = QLabel("No deals match these filters.")
        label.setAccessibleName("No deals match these filters")
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.setToolTip(
            f"Show every deal again ({shortcuts.label(shortcuts.CLEAR_FILTERS)})"
        )
        self.clear_filters_button.clicked.connect(self.clearFiltersRequested)
        layout = QHBoxLayout(notice)
        layout.addWidget(label)
        layout.addWidget(self.clear_filters_button)
        notice.hide()
        return notice

    def _place_no_match(self) -> None:
        notice, viewport = self.no_match, self.table.viewport()
        notice.adjustSize()
        notice.move((viewport.width() - notice.width()) // 2, viewport.height() // 4)
        notice.setVisible(self.model.rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._place_no_match()
        return super().eventFilter(watched, event)

    # -- Selection --------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The ids of the selected deals, top to bottom."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.deal_id_at(row) for row in rows]

    def select_row(self, row: int) -> None:
        """Select one row and scroll to it."""
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.detail.show_deal(ids[0] if len(ids) == 1 else None)
        self.selectionChanged.emit()

    def _model_reset(self) -> None:
        self._place_no_match()
        self._fit_when_ready()
        deal_id = self.detail.deal_id
        row = self.model.row_of(deal_id) if deal_id is not None else None
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_deal(None)
        self.selectionChanged.emit()

    def show_welcome(self, database_empty: bool) -> None:
        """The welcome panel for an empty database, else the deals."""
        self.setCurrentWidget(self.welcome if database_empty else self.page)
        self._fit_when_ready()
