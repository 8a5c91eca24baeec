"""The Insights tab: what the manager learns about the deals the filter bar selects.

Whose first guesses hold up, who makes the calls, whether the controllable share
is within its usual range, what the fall-throughs cost, the cancellation rate
against the benchmark, and the buyers won back. The figures are read off the GUI
thread (:class:`~dft.ui.worker.BackgroundRead`), so the window stays usable on a
large database; matplotlib is imported when the tab is first shown, as the
Dashboard does. Tables are the monthly report's (:mod:`dft.reports.tables`), so
the tab, the report and ``dft insights`` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dft.core.errors import DftError
from dft.core.queries import DealFilter
from dft.ui.context import AppContext
from dft.ui.formatting import format_date, format_money
from dft.ui.views.dashboard import ChartPanel, chart_theme
from dft.ui.views.lazy import RefreshWhenShown
from dft.ui.worker import BackgroundRead

if TYPE_CHECKING:
    from dft.analytics.insights import Insights
    from dft.reports.tables import Table

# (key, title, how to read it) of each section, in reading order.
SECTIONS = (
    ("calibration", "Whose first guesses hold up",
     "For each salesperson, how often the cause a deal was logged with was confirmed when a "
     "call reached the client. Read the interval, not just the share: few settled deals "
     "give a wide one."),
    ("callers", "Who makes the call",
     "Calls that confirmed or changed a cause, by the deal's own salesperson or someone "
     "else. Buyers speak more freely to someone who did not sell to them: if someone else's "
     "calls change the cause much more often, the team's own calls hear polite excuses."),
    ("control", "Is the change real?",
     "The controllable share month by month against its usual range (the centre line and "
     "3-sigma limits from the months before). A point outside the range is more than "
     "chance: look for the cause."),
    ("cost", "What the fall-throughs cost",
     "Contract value lost, deposits kept and refunded, and for homes re-sold the days "
     "until then, their carrying cost and the re-sale price gap."),
    ("cancellation", "Cancellation rate",
     "Cancellations ÷ gross contracts signed, month by month, against the benchmark rate "
     "set in Edit > Team settings."),
    ("win_backs", "Buyers won back",
     "Buyers who re-signed, by the deal's cause and by who made its latest win-back call."),
)  # fmt: skip
# Each section's parts, in order: a chart (by key) or one of the report's tables (by its
# key), each on a row of its own or two side by side.
LAYOUT: dict[str, tuple[tuple[str, ...], ...]] = {
    "calibration": (("table:calibration",), ("chart:calibration",)),
    "callers": (("table:callers", "chart:callers"),),
    "control": (("chart:control",),),
    "cost": (("chart:cost",), ("table:cost",)),
    "cancellation": (("chart:cancellation",),),
    "win_backs": (("chart:win_backs", "table:win_back_callers"),),
}
# What Save… names each chart's file, and its accessible title.
CHART_TITLES = {
    "calibration": "First guesses confirmed",
    "callers": "Calls that changed the cause",
    "control": "Controllable share with its usual range",
    "cost": "Cost by month",
    "cancellation": "Cancellation rate",
    "win_backs": "Buyers won back by cause",
}
MAX_TABLE_ROWS = 12


class InsightsView(RefreshWhenShown):
    """The insights of the filter bar's deals; a click on a bar or point drills down."""

    drillDown = Signal(str)
    shown = Signal()  # the latest figures are on screen

    def __init__(
        self,
        context: AppContext,
        current_filter: Callable[[], DealFilter],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._current_filter = current_filter
        self.insights: Insights | None = None
        self.panels: dict[str, ChartPanel] = {}
        self.tables: dict[str, QTableWidget] = {}
        self.notes: dict[str, QLabel] = {}
        self.headline = QLabel()
        self.headline.setAccessibleName("Is the change real")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.headline.setFont(font)  # a font, not a style sheet: it follows the palette
        self.scope = QLabel()
        self.scope.setWordWrap(True)
        self.scope.setStyleSheet("color: palette(mid);")
        self.status = QLabel()
        self.status.setAccessibleName("Insights status")
        self.cost_figures = QLabel()
        self.cost_figures.setWordWrap(True)
        self.cost_figures.setTextFormat(Qt.TextFormat.RichText)
        self.cost_figures.setAccessibleName("Cost figures")
        self.content = QWidget()
        self._sections = QVBoxLayout(self.content)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.content)
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scope)
        layout.addWidget(scroll, 1)
        self.reader = BackgroundRead(self)
        self.reader.finished.connect(self._show)
        context.dataChanged.connect(self.data_changed)

    @property
    def built(self) -> bool:
        """True once the sections exist (matplotlib is loaded on first show)."""
        return bool(self.panels)

    @property
    def reading(self) -> bool:
        """True while figures are being read."""
        return self.reader.busy

    def filter_changed(self) -> None:
        """The filter bar changed: read again (now if shown, else when shown)."""
        self.data_changed()

    def reload(self) -> None:
        """Read the insights for the current filter in the background; the old ones stay
        on screen, greyed, until the new ones arrive."""
        # Loaded when first needed: opening the window does not pay for them.
        from dft.analytics.insights import filter_insights

        today = self._context.today()
        deal_filter = replace(self._current_filter(), today=today)
        context = self._context
        self.status.setText("Reading the insights…")
        self.content.setEnabled(False)
        self.reader.start(lambda: context.read(lambda s: filter_insights(s, deal_filter, today)))
        self.scope.setText(_scope_text(deal_filter))

    # -- Building ------------------------------------------------------------------------

    def _build(self) -> None:
        for key, title, how in SECTIONS:
            box = QGroupBox(title)
            box.setAccessibleName(title)
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            note = QLabel(how)
            note.setWordWrap(True)
            self.notes[key] = note
            grid.addWidget(note, 0, 0, 1, 2)
            if key == "cost":
                grid.addWidget(self.cost_figures, 1, 0, 1, 2)
            for row, parts in enumerate(LAYOUT[key], start=2):
                for column, part in enumerate(parts):
                    widget = self._part(part)
                    span = 2 if len(parts) == 1 else 1
                    grid.addWidget(widget, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
            self._sections.addWidget(box)

    def _part(self, part: str) -> QWidget:
        kind, key = part.split(":")
        if kind == "table":
            self.tables[key] = _table_widget()
            return self.tables[key]
        panel = ChartPanel(f"insights-{key}", CHART_TITLES[key], self._context.settings)
        panel.picked.connect(self.drillDown)
        self.panels[key] = panel
        return panel

    # -- Showing -------------------------------------------------------------------------

    def _draw_charts(self, insights: Insights) -> None:
        from dft.analytics import insight_charts

        theme = chart_theme(self)
        figure = {key: panel.figure for key, panel in self.panels.items()}
        insight_charts.calibration_chart(insights.calibration, figure["calibration"], theme)
        insight_charts.callers_chart(insights.callers, figure["callers"], theme)
        insight_charts.control_chart_figure(insights.control, figure["control"], theme)
        insight_charts.cost_chart(insights.cost_by_month, figure["cost"], theme)
        insight_charts.cancellation_chart(insights.cancellation, figure["cancellation"], theme)
        insight_charts.win_back_chart(insights.win_backs.by_cause, figure["win_backs"], theme=theme)
        for panel in self.panels.values():
            panel.redraw()

    def changeEvent(self, event: QEvent) -> None:
        """The system switched between light and dark: the charts follow."""
        if event.type() == QEvent.Type.PaletteChange and self.insights is not None:
            self._draw_charts(self.insights)
        super().changeEvent(event)

    def _show(self, insights: Insights | None, error: BaseException | None) -> None:
        self.content.setEnabled(True)
        if error is not None:
            if not isinstance(error, DftError):
                self.status.setText("")
                raise error  # a bug: the app's error handler logs it
            self.status.setText(f"Could not read the insights. {error}")
            return
        assert insights is not None
        from dft.reports.tables import insight_tables

        if not self.built:
            self._build()
        self.insights = insights
        latest = insights.control.latest
        self.headline.setText(
            f"{latest.month:%B %Y}: {latest.headline()}" if latest else "No months to compare"
        )
        self._draw_charts(insights)
        tables = {t.key: t for t in insight_tables(insights)}
        for key, widget in self.tables.items():
            fill_table(widget, tables[key])
        self.cost_figures.setText(_cost_html(insights))
        self.notes["cancellation"].setText(
            f"{tables['cancellation'].note} The benchmark is set in Edit > Team settings."
        )
        self.status.setText("")
        self.shown.emit()


def _scope_text(deal_filter: DealFilter) -> str:
    if deal_filter.fell_from or deal_filter.fell_to:
        period = (
            f"that fell through from {format_date(deal_filter.fell_from, 'the first')} "
            f"to {format_date(deal_filter.fell_to, 'today')}"
        )
    else:
        period = "of all time"
    return (
        f"The deals {period} that the filter selects. Cost and the cancellation rate by "
        "month cover its months (the last 12 when it has none, 24 at most); the control "
        "chart the 24 months to its last."
    )


def _cost_html(insights: Insights) -> str:
    cost = insights.cost
    parts = [
        f"<b>{format_money(cost.lost_value_cents)}</b> contract value lost",
        f"deposits kept <b>{format_money(cost.deposits_kept_cents)}</b>",
        f"refunded <b>{format_money(cost.deposits_refunded_cents)}</b>",
    ]
    if cost.resold:
        median = cost.median_days_to_resell
        parts.append(
            f"<b>{cost.resold}</b> re-sold"
            + (f", median <b>{median:g}</b> days later" if median is not None else "")
        )
        if cost.carrying_cost_cents is None:
            parts.append("carrying cost: enter the daily cost in Edit &gt; Team settings")
        else:
            parts.append(f"carrying cost <b>{format_money(cost.carrying_cost_cents)}</b>")
        if cost.priced_resales:
            parts.append(f"re-sale price gap <b>{format_money(cost.resale_gap_cents)}</b>")
    else:
        parts.append("no home re-sold yet")
    return " &nbsp;·&nbsp; ".join(parts)


def _table_widget() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return table


def _header(title: str) -> str:
    """A long column title on two lines, so the columns stay narrow."""
    if len(title) <= 14 or " " not in title:
        return title
    middle = len(title) // 2
    split = min((i for i, ch in enumerate(title) if ch == " "), key=lambda i: abs(i - middle))
    return f"{title[:split]}\n{title[split + 1 :]}"


def fill_table(widget: QTableWidget, table: Table) -> None:
    """Show one of the report's tables: its rows as the report writes them, numbers right."""
    from dft.reports.tables import Kind, format_cell

    widget.clear()
    widget.setAccessibleName(table.title)
    widget.setColumnCount(len(table.columns))
    widget.setRowCount(len(table.rows))
    widget.setHorizontalHeaderLabels([_header(c.title) for c in table.columns])
    for row_number, row in enumerate(table.rows):
        for column_number, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            item = QTableWidgetItem(format_cell(value, column.kind))
            if column.kind is not Kind.TEXT:
                item.setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )  # fmt: skip
            widget.setItem(row_number, column_number, item)
    widget.setToolTip(table.note)
    widget.resizeColumnsToContents()
    widget.resizeRowsToContents()
    shown = min(len(table.rows), MAX_TABLE_ROWS)
    height = widget.horizontalHeader().sizeHint().height() + 2 * widget.frameWidth()
    height += sum(widget.rowHeight(r) for r in range(shown)) if shown else 8
    # Room for the scroll bar a table wider than its place gets.
    height += widget.horizontalScrollBar().sizeHint().height()
    widget.setFixedHeight(height)
    width = widget.horizontalHeader().length() + 2 * widget.frameWidth()
    if len(table.rows) > shown:
        width += widget.verticalScrollBar().sizeHint().width()
    widget.setMaximumWidth(width)
