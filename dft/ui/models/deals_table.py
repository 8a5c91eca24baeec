"""The deals table: ids in display order, rows fetched a page at a time.

Filtering and sorting run in SQL. The model keeps the ordered ids of the
current filter (8 bytes a deal) and a small cache of pages of plain rows, so
``rowCount``/``data`` stay cheap on 100,000 deals and nothing holds ORM objects.
A (re)load reads only the count and the first page: the window paints its first
rows without waiting for a million ids, which are read the first time a row
beyond the first page (or a deal's row, or another order) is asked for.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy.orm import Session, sessionmaker

from dft.core.deals import count_deals
from dft.core.queries import (
    EVERY_LIVE_DEAL,
    DealFilter,
    DealRow,
    count_matching,
    fetch_deal_ids,
    fetch_deal_rows,
    fetch_deal_rows_by_id,
)
from dft.ui.formatting import format_date, format_money

PAGE_SIZE = 200
CACHED_PAGES = 20

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column of the deals table: its DealRow field, title and tooltip."""

    key: str  # a DealRow field, also the SQL sort key
    title: str
    tooltip: str
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("fell_through_on", "Fell through", "The date the contract was cancelled"),
    Column("client_name", "Client", "The buyer's name"),
    Column("contract_number", "Contract", "Contract number"),
    Column("contract_value_cents", "Value", "Contract value lost", numeric=True),
    Column("category", "Category", "Cause category (land, customer service, ...)"),
    Column("cause", "Cause", "The primary cause"),
    Column("cause_status", "Status", "Suspected, or confirmed by a follow-up call"),
    Column("salesperson", "Salesperson", "Who sold the contract"),
    Column("lead_source", "Lead source", "Where the buyer came from"),
    Column("community", "Community", "Community or area"),
    Column("next_follow_up_on", "Next call", "When the next follow-up call is due"),
    # Last: it takes whatever width the others leave.
    Column("notes", "Notes", "The deal's notes (first line)"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}

OVERDUE_COLOR = QColor("#c0392b")


class DealsTableModel(QAbstractTableModel):
    """The deals a DealFilter picks, in SQL order, read a page at a time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        deal_filter: DealFilter | None = None,
        today: Any = date.today,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._today = today
        self._filter = deal_filter or DealFilter()
        self._sort_key = "fell_through_on"
        self._descending = True
        self._ids: array[int] = array("q")  # the first page only, until all are needed
        self._count = 0  # how many deals the filter picks
        self._loaded = False
        self._pages: OrderedDict[int, dict[int, DealRow]] = OrderedDict()
        # Counters a test (or a curious developer) can read: how much was loaded.
        self.rows_fetched = 0
        self.page_queries = 0

    # -- What the table shows ----------------------------------------------------

    @property
    def deal_filter(self) -> DealFilter:
        """The filter the table shows."""
        return self._filter

    def set_sessions(self, sessions: sessionmaker[Session]) -> None:
        """Point at another database; the caller reloads (usually with a new filter)."""
        self._sessions = sessions
        self.beginResetModel()
        self._ids = array("q")
        self._count = 0
        self._pages.clear()
        self._loaded = False
        self.endResetModel()

    def set_filter(self, deal_filter: DealFilter) -> None:
        """Show the deals ``deal_filter`` picks."""
        self._filter = deal_filter
        self.reload()

    def reload(self) -> None:
        """Re-run the filter; call after any change to the data."""
        deal_filter = replace(self._filter, today=self._today())
        self.beginResetModel()
        with self._sessions.begin() as session:
            if replace(deal_filter, today=EVERY_LIVE_DEAL.today) == EVERY_LIVE_DEAL:
                count = count_deals(session)  # reads an index, not the table
            else:
                count = count_matching(session, deal_filter)
            first = fetch_deal_rows(
                session,
                deal_filter,
                sort_key=self._sort_key,
                descending=self._descending,
                limit=PAGE_SIZE,
                matching=count,
            )
        self.page_queries += 1
        self.rows_fetched += len(first)
        self._ids = array("q", (row.id for row in first))
        # A deal saved between the two reads: the page is the truth for what it holds.
        self._count = max(count, len(first)) if len(first) == PAGE_SIZE else len(first)
        self._pages.clear()
        self._pages[0] = {row.id: row for row in first}
        self._loaded = True
        self.endResetModel()

    @property
    def all_ids_read(self) -> bool:
        """True once every id of the filter is held (not just the first page's)."""
        return len(self._ids) >= self._count

    def _read_all_ids(self) -> None:
        if self.all_ids_read:
            return
        deal_filter = replace(self._filter, today=self._today())
        with self._sessions.begin() as session:
            ids = fetch_deal_ids(
                session, deal_filter, sort_key=self._sort_key, descending=self._descending
            )
        # Deals others saved since the count show at the next reload (a reset here,
        # in the middle of painting, would pull the rows from under the view).
        self._ids = array("q", ids)

    def _id_at(self, row: int) -> int:
        if row >= len(self._ids):
            self._read_all_ids()
        return self._ids[row]

    def deal_id_at(self, row: int) -> int:
        """The id of the deal in ``row``."""
        return self._id_at(row)

    def row_of(self, deal_id: int) -> int | None:
        """The row of deal ``deal_id``, or None when the filter hides it."""
        try:
            return self._ids.index(deal_id)
        except ValueError:
            pass
        if self.all_ids_read:
            return None
        self._read_all_ids()
        try:
            return self._ids.index(deal_id)
        except ValueError:
            return None

    def row_data(self, row: int) -> DealRow | None:
        """The plain row shown in ``row`` (its page is read if not cached)."""
        if not 0 <= row < self._count:
            return None
        if row >= len(self._ids):
            self._read_all_ids()
            if row >= len(self._ids):
                return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch_page(page)
        else:
            self._pages.move_to_end(page)
        return rows.get(self._ids[row])

    def _fetch_page(self, page: int) -> dict[int, DealRow]:
        ids = list(self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
        with self._sessions.begin() as session:
            rows = fetch_deal_rows_by_id(session, ids)
        self.page_queries += 1
        self.rows_fetched += len(rows)
        self._pages[page] = rows
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    # -- QAbstractTableModel -------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()]
        value = getattr(row, column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column.key, value)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        overdue = column.key == "next_follow_up_on" and value is not None and value < self._today()
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QBrush(OVERDUE_COLOR)
        if role == Qt.ItemDataRole.FontRole and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "next_follow_up_on" and value is not None and value < self._today():
                return f"Follow-up call overdue since {format_date(value)}"
            if column.key == "notes":
                return str(value) if value else None
            if column.key == "cause_status":
                return (
                    "Confirmed by a follow-up call"
                    if value == "confirmed"
                    else "Not yet confirmed with the client"
                )
            return self._display(column.key, value) or None
        return None

    @staticmethod
    def _display(key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "contract_value_cents":
            return format_money(int(value))
        if isinstance(value, date):
            return format_date(value)
        if key == "cause_status":
            return str(value).capitalize()
        if key == "notes":
            return str(value).strip().split("\n", 1)[0]
        return str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder
        if not self._loaded or (key, descending) == (self._sort_key, self._descending):
            # Before the first load (the view enabling sorting) only remember the order.
            self._sort_key, self._descending = key, descending
            return
        if any(index.row() >= len(self._ids) for index in self.persistentIndexList()):
            self._read_all_ids()  # the deals the selection is on, in the old order
        self._sort_key, self._descending = key, descending
        self.layoutAboutToBeChanged.emit()
        deal_filter = replace(self._filter, today=self._today())
        with self._sessions.begin() as session:
            ids = fetch_deal_ids(
                session, deal_filter, sort_key=self._sort_key, descending=self._descending
            )
        old_ids = self._ids
        self._ids = array("q", ids)
        self._count = len(ids)
        self._pages.clear()
        # Keep persistent indexes (the selection) on the same deals.
        position = {deal_id: row for row, deal_id in enumerate(self._ids)}
        for index in self.persistentIndexList():
            deal_id = old_ids[index.row()] if index.row() < len(old_ids) else None
            new_row = position.get(deal_id) if deal_id is not None else None
            if new_row is None:
                self.changePersistentIndex(index, QModelIndex())
            else:
                self.changePersistentIndex(index, self.index(new_row, index.column()))
        self.layoutChanged.emit()
