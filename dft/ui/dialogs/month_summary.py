"""Reports > Month summary: the month's deals by category and cause, as on `dft summary`."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dft.analytics.summary import MonthSummary, month_summary
from dft.core.dates import add_months, month_start
from dft.ui.context import AppContext
from dft.ui.formatting import format_money


def _bar(share: float) -> str:
    width = max(1, round(share * 160)) if share else 0
    return f"<span style='background:#3b6ea5'>{'&nbsp;' * (width // 4)}</span>" if width else ""


def summary_html(summary: MonthSummary) -> str:
    title = date.fromisoformat(f"{summary.month}-01").strftime("%B %Y")
    head = (
        f"<h2>{title}</h2><p><b>{summary.deals}</b> deal(s) fell through · "
        f"<b>{format_money(summary.lost_value_cents)}</b> contract value lost</p>"
    )
    if not summary.deals:
        return head + "<p>No deals fell through this month.</p>"
    categories = "".join(
        f"<tr><td>{escape(c.name)}</td><td align='right'>{c.deals}</td>"
        f"<td align='right'>{c.share * 100:.1f}%</td>"
        f"<td align='right'>{format_money(c.lost_value_cents)}</td><td>{_bar(c.share)}</td></tr>"
        for c in summary.categories
    )
    causes = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{escape(c.category)}</td>"
        f"<td align='right'>{c.deals}</td><td align='right'>{c.share * 100:.1f}%</td>"
        f"<td align='right'>{format_money(c.lost_value_cents)}</td></tr>"
        for c in summary.causes
    )
    return (
        head + "<h3>By category</h3><table cellpadding='3'><tr><th align='left'>Category</th>"
        "<th>Deals</th><th>Share</th><th>Lost value</th><th></th></tr>"
        + categories
        + "</table><h3>By cause</h3><table cellpadding='3'><tr><th align='left'>Cause</th>"
        "<th align='left'>Category</th><th>Deals</th><th>Share</th><th>Lost value</th></tr>"
        + causes
        + "</table>"
    )


class MonthSummaryDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Month summary")
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        first = month_start(context.today())
        for back in range(36):
            month = add_months(first, -back)
            self.month.addItem(month.strftime("%B %Y"), month)
        self.browser = QTextBrowser()
        top = QHBoxLayout()
        top.addWidget(QLabel("Month:"))
        top.addWidget(self.month)
        top.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.month.currentIndexChanged.connect(self.refresh)
        self.resize(640, 560)
        self.refresh()

    def selected_month(self) -> date:
        value = self.month.currentData()
        assert isinstance(value, date)
        return value

    def refresh(self) -> None:
        summary = self._context.read(lambda s: month_summary(s, self.selected_month()))
        self.browser.setHtml(summary_html(summary))
