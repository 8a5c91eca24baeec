"""Open follow-up calls across all deals, most urgent first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from dft.core.choices import CallPurpose
from dft.core.follow_ups import Due, DueFollowUp, open_follow_ups
from dft.ui.context import AppContext
from dft.ui.formatting import due_in_words, format_date
from dft.ui.links import email_url, phone_url

# Enough for any salesperson's queue; the tab says when more exist.
MAX_ROWS = 5000

HEADERS = ("Due", "When", "Client", "Phone", "E-mail", "Contract", "Salesperson", "Cause",
           "Status", "Call")  # fmt: skip
PHONE_COLUMN, EMAIL_COLUMN = HEADERS.index("Phone"), HEADERS.index("E-mail")
# What each call is for (the Call column).
PURPOSE_LABELS = {
    CallPurpose.CAUSE.value: "Learn the cause",
    CallPurpose.WIN_BACK.value: "Win-back",
}
DUE_COLORS = {Due.OVERDUE: QColor("#c0392b"), Due.TODAY: QColor("#b9770e")}

AnyIndex = QModelIndex | QPersistentModelIndex


class FollowUpsTableModel(QAbstractTableModel):
    """Open follow-up calls on live deals, most overdue first."""

    def __init__(self, context: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[DueFollowUp] = []
        self.show: str = "all"  # all | overdue | today | week

    def reload(self) -> None:
        """Read the open calls again (``show``: all, overdue, today, week)."""
        today = self._context.today()
        horizon = {"today": 0, "week": 7}.get(self.show)
        rows = self._context.read(
            lambda s: open_follow_ups(s, today, horizon_days=horizon, limit=MAX_ROWS)
        )
        if self.show == "overdue":
            rows = [r for r in rows if r.due == Due.OVERDUE]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> DueFollowUp | None:
        """The call shown in ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def link_at(self, index: AnyIndex) -> QUrl | None:
        """The ``tel:`` or ``mailto:`` link a click on ``index`` opens, if any."""
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if index.column() == PHONE_COLUMN and row.client_phone:
            return phone_url(row.client_phone)
        if index.column() == EMAIL_COLUMN and row.client_email:
            return email_url(row.client_email)
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(HEADERS):
            return None
        today = self._context.today()
        link = self.link_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            cause = f"{row.category} › {row.cause}" if row.cause else "No cause yet"
            return (
                format_date(row.due_on),
                due_in_words(row.due_on, today),
                row.client_name,
                row.client_phone or "",
                row.client_email or "",
                row.contract_number or "",
                row.salesperson or "",
                cause,
                row.cause_status.capitalize(),
                PURPOSE_LABELS.get(row.purpose, row.purpose),
            )[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and link is not None:
            return QGuiApplication.palette().brush(QPalette.ColorRole.Link)
        if role == Qt.ItemDataRole.FontRole and link is not None:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and link is not None:
            return f"Click to {'call' if index.column() == PHONE_COLUMN else 'write to'} the client"
        if role == Qt.ItemDataRole.ForegroundRole and row.due in DUE_COLORS:
            return QBrush(DUE_COLORS[row.due])
        if role == Qt.ItemDataRole.FontRole and row.due == Due.OVERDUE and index.column() < 2:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return row.deal_id
        return None
