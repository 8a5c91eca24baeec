"""The Deals tab: the table of lost deals beside the selected deal's details.

The detail pane follows the selection, and the deal it shows stays selected
when the table is read again (a filter changed, an edit, a refresh). While the
database holds no deal at all (none in the trash either) the tab shows the
welcome panel instead: a way in, not an empty table.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from dft.ui.context import AppContext
from dft.ui.models.deals_table import COLUMN_INDEX, DealsTableModel
from dft.ui.views.deal_detail import DealDetailPane
from dft.ui.views.tables import record_table
from dft.ui.views.welcome import WelcomePanel

# Column widths a first run starts with (the user's own are remembered).
COLUMN_WIDTHS = {"fell_through_on": 96, "client_name": 150, "contract_number": 92,
                 "contract_value_cents": 104, "category": 124, "cause": 200,
                 "cause_status": 84, "salesperson": 120, "lead_source": 96,
                 "community": 110}  # fmt: skip


class DealsTab(QStackedWidget):
    """The deals table (newest first, sortable) and the detail pane, or the welcome panel."""

    selectionChanged = Signal()

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
        for key, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(COLUMN_INDEX[key], width)
        self.detail = DealDetailPane(context)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 360])
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
