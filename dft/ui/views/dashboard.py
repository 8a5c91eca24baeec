"""The Dashboard tab: the charts for the current filter, and drill-down into the table.

matplotlib is imported only when the tab is first shown, so starting the app
does not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.analytics import breakdowns
from dft.analytics.comparison import fall_through_rate
from dft.analytics.follow_ups import follow_up_metrics
from dft.analytics.split import CauseSplit, cause_split, split_by_salesperson
from dft.core.dates import month_start
from dft.core.queries import DealFilter
from dft.core.startup import libraries_loaded
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.formatting import count_of, format_money
from dft.ui.views.lazy import RefreshWhenShown
from dft.ui.window_state import FileFolder, FileKind
from dft.ui.worker import BackgroundRead

if TYPE_CHECKING:
    from matplotlib.backend_bases import PickEvent
    from matplotlib.figure import Figure

# (key, title) of the charts, in reading order.
CHARTS = (
    ("headline", "Why deals fell through"),
    ("pareto", "Causes, largest first"),
    ("trend", "Deals per month"),
    ("value", "Contract value lost by cause"),
    ("people", "Deals lost by salesperson"),
    ("funnel", "Follow-up funnel"),
)
SAVE_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


def chart_theme(widget: QWidget) -> Any:
    """The charts' colours for ``widget``: dark on a dark palette, else light."""
    from dft.analytics import charts

    window = widget.palette().color(QPalette.ColorRole.Window)
    return charts.DARK if window.lightness() < 128 else charts.LIGHT


class ChartPanel(QFrame):
    """One chart: its canvas, Save… and Copy. Clicking a bar or wedge emits its gid."""

    picked = Signal(str)

    def __init__(
        self, key: str, title: str, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._place = FileFolder(settings, FileKind.CHART)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from dft.analytics.charts import new_figure

        libraries_loaded()  # matplotlib, the first time
        self.key = key
        self.title = title
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.figure: Figure = new_figure()
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(360)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setToolTip("Click a bar or slice to see the deals behind it")
        self.canvas.setAccessibleName(f"Chart: {title}")
        self.canvas.mpl_connect("pick_event", self._on_pick)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save this chart as PNG, SVG or PDF")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy this chart to the clipboard as an image")
        top = QHBoxLayout()
        top.addStretch(1)  # the figure carries its own title (it is also the report's)
        top.addWidget(self.save_button)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        self.save_button.clicked.connect(self.save)
        self.copy_button.clicked.connect(self.copy)
        self._last_pick: tuple[int, str] | None = None

    def _on_pick(self, event: PickEvent) -> None:
        from matplotlib.backend_bases import MouseButton

        gid = event.artist.get_gid()
        # matplotlib picks on a wheel turn too: scrolling past a chart is not a click.
        mouse = event.mouseevent
        if not gid or mouse.name != "button_press_event" or mouse.button != MouseButton.LEFT:
            return
        # One click may pick several overlapping artists; act on the first only.
        click = id(event.mouseevent)
        if self._last_pick is not None and self._last_pick[0] == click:
            return
        self._last_pick = (click, gid)
        self.picked.emit(gid)

    def redraw(self) -> None:
        """Draw the chart again once Qt is idle."""
        self.canvas.draw_idle()

    def save(self) -> None:
        """Save the chart as PNG, SVG or PDF (the ending decides; PNG by default)."""
        path = ask.ask_save_path(self, "Save chart", self._place, f"{self.key}.png", SAVE_FILTERS)
        if not path:
            return
        if not path.lower().endswith((".png", ".svg", ".pdf")):
            path += ".png"
        self.figure.savefig(path, dpi=200 if path.lower().endswith(".png") else None)

    def png_bytes(self, dpi: int = 150) -> bytes:
        """The chart as a PNG image."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def copy(self) -> None:
        """Put the chart on the clipboard as an image."""
        image = QImage.fromData(self.png_bytes())
        QGuiApplication.clipboard().setImage(image)


class DashboardView(RefreshWhenShown):
    """The charts and key figures for the filter bar's filter; a click drills down."""

    drillDown = Signal(str)
    refreshed = Signal()  # the charts show the latest figures

    def __init__(
        self,
        context: AppContext,
        current_filter: Callable[[], DealFilter],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._current_filter = current_filter
        self.panels: dict[str, ChartPanel] = {}
        self._drawn = False
        self.kpis = QLabel()
        self.kpis.setWordWrap(True)
        self.kpis.setTextFormat(Qt.TextFormat.RichText)
        self.kpis.setAccessibleName("Key figures")
        self.kpis.setToolTip(KPI_TIP)
        self.months = QComboBox()
        self.months.addItem("Trend: 12 months", 12)
        self.months.addItem("Trend: 24 months", 24)
        self.months.setAccessibleName("Trend length")
        self.months.setToolTip("How many months the trend chart shows")
        self.months.currentIndexChanged.connect(self.reload)
        header = QHBoxLayout()
        header.addWidget(self.kpis, 1)
        header.addWidget(self.months, 0, Qt.AlignmentFlag.AlignTop)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        # The figures are read in the background; the charts are drawn when they arrive.
        self.reader = BackgroundRead(self)
        self.reader.finished.connect(self._draw)
        context.dataChanged.connect(self.data_changed)

    @property
    def built(self) -> bool:
        """True once the charts were first drawn (matplotlib is loaded on first show)."""
        return self._drawn

    def _build(self) -> None:
        for index, (key, title) in enumerate(CHARTS):
            panel = ChartPanel(key, title, self._context.settings)
            panel.picked.connect(self.drillDown)
            panel.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            panel.customContextMenuRequested.connect(lambda _pos, p=panel: self._panel_menu(p))
            self.panels[key] = panel
            self.grid.addWidget(panel, index // 2, index % 2)

    def _panel_menu(self, panel: ChartPanel) -> None:
        menu = QMenu(self)
        menu.addAction("Save chart…", panel.save)
        menu.addAction("Copy chart", panel.copy)
        menu.exec(panel.cursor().pos())

    def filter_changed(self) -> None:
        """The filter bar changed: draw again (now if shown, else when shown)."""
        self.data_changed()

    def changeEvent(self, event: QEvent) -> None:
        # The system switched between light and dark: the charts follow.
        if event.type() == QEvent.Type.PaletteChange and self.built:
            self.data_changed()
        super().changeEvent(event)

    def chart_theme(self) -> Any:
        """The charts' colours: dark on a dark palette, else light."""
        return chart_theme(self)

    @property
    def reading(self) -> bool:
        """True while figures are being read."""
        return self.reader.busy

    def reload(self) -> None:
        """Read the figures for the current filter in the background, then draw every
        chart; the old charts stay on screen, greyed, until then."""
        if not self.panels:
            self._build()
        deal_filter = replace(self._current_filter(), today=self._context.today())
        months = int(self.months.currentData() or 12)
        last_month = month_start(deal_filter.fell_to or self._context.today())
        context = self._context
        self.grid_host.setEnabled(False)
        self.reader.start(
            lambda: context.read(lambda s: _collect(s, deal_filter, last_month, months))
        )

    def _draw(self, data: Any, error: BaseException | None) -> None:
        from dft.analytics import charts

        self.grid_host.setEnabled(True)
        if error is not None:
            raise error  # said by the app's error handler, as a read on this thread would be
        theme = self.chart_theme()
        figure = {key: panel.figure for key, panel in self.panels.items()}
        charts.headline_chart(data["categories"], figure=figure["headline"], theme=theme)
        charts.pareto_chart(data["causes"], figure=figure["pareto"], theme=theme)
        charts.trend_chart(data["trend"], figure=figure["trend"], theme=theme)
        charts.lost_value_chart(data["causes"], figure=figure["value"], theme=theme)
        charts.salesperson_chart(data["people"], figure=figure["people"], theme=theme)
        charts.funnel_chart(data["follow_ups"], figure=figure["funnel"], theme=theme)
        for panel in self.panels.values():
            panel.redraw()
        self.kpis.setText(_kpi_html(data, data["split"]))
        self._drawn = True
        self.refreshed.emit()


def _collect(session: Session, deal_filter: DealFilter, last_month: date, months: int) -> Any:
    categories = breakdowns.by_category(session, deal_filter)
    causes = breakdowns.by_cause(session, deal_filter)
    changed, _people = breakdowns.changed_causes(session, deal_filter)
    deals = sum(c.deals for c in categories)
    return {
        "categories": categories,
        "causes": causes,
        "split": cause_split(causes, deals),
        "trend": breakdowns.monthly_trend(session, deal_filter, last_month, months),
        "people": split_by_salesperson(session, deal_filter),
        "follow_ups": follow_up_metrics(session, deal_filter, deal_filter.today),
        "changed": changed,
        "recovery": breakdowns.recovery(session, deal_filter),
        "rate": fall_through_rate(session, deal_filter),
        "deals": deals,
        "lost": sum(c.lost_value_cents for c in categories),
    }


# What each share on the dashboard is a share of (the key figures' tooltip).
KPI_TIP = (
    "The donut and the cause bars are shares of all deals the filter shows. Land vs "
    "service is land out of the deals whose cause was land or customer service. "
    "Controllable vs not is out of the deals in categories marked controllable or not; "
    "deals awaiting their call, in categories not classified yet, or without a cause "
    "are counted apart. Each other figure names its base: (n of N)."
)


def _kpi_html(data: Any, split: CauseSplit) -> str:
    follow_ups = data["follow_ups"]
    head = (
        f"<b style='font-size:14pt'>{count_of(data['deals'], 'deal')}</b> fell through"
        " &nbsp;·&nbsp; "
        f"<b style='font-size:14pt'>{format_money(data['lost'])}</b> contract value lost"
    )
    headline = split.land_service_line()
    beside = [line for line in (split.controllable_line(), *split.apart_lines()) if line]
    split_html = (f"<br><b>{escape(headline)}</b>" if headline else "") + (
        "<br>" + " &nbsp;·&nbsp; ".join(escape(line) for line in beside) if beside else ""
    )
    lines = [
        "Follow-up call completed: " + follow_ups.completed.describe(),
        f"Overdue calls: {follow_ups.overdue}",
        "First guess changed by a call: " + data["changed"].describe(),
        "Buyers won back: " + data["recovery"].recovered.describe(),
    ]
    if follow_ups.median_days_to_first_call is not None:
        lines.append(f"Median days to first call: {follow_ups.median_days_to_first_call:g}")
    if data["rate"] is not None:
        lines.append("Fall-through rate: " + data["rate"].describe())
    return head + split_html + "<br>" + " &nbsp;·&nbsp; ".join(escape(line) for line in lines)
