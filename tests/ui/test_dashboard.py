"""The dashboard: charts for the filter, drill-down by clicking, save and copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle, Wedge
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from sqlalchemy import text

from dft.ui import ask
from dft.ui.main_window import DEALS_TAB, MainWindow
from dft.ui.views.dashboard import ChartPanel


def widget_point(panel: ChartPanel, x: float, y: float) -> QPoint:
    """Figure display coordinates (pixels from bottom-left) to the canvas widget's."""
    ratio = panel.canvas.device_pixel_ratio
    height = panel.figure.bbox.height
    return QPoint(round(x / ratio), round((height - y) / ratio))


def wedge_point(panel: ChartPanel, wedge: Wedge) -> QPoint:
    import math

    middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
    radius = wedge.r - (wedge.width or 0) / 2
    x, y = wedge.axes.transData.transform(  # type: ignore[union-attr]
        (wedge.center[0] + radius * math.cos(middle), wedge.center[1] + radius * math.sin(middle))
    )
    return widget_point(panel, x, y)


def bar_point(panel: ChartPanel, bar: Rectangle) -> QPoint:
    box = bar.get_window_extent()
    return widget_point(panel, (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def shown_ids(window: MainWindow) -> set[int]:
    model = window.deals_model
    return {model.deal_id_at(r) for r in range(model.rowCount())}


def sql_ids(window: MainWindow, where: str) -> set[int]:
    query = text(
        "SELECT d.id FROM deals d LEFT JOIN causes c ON c.id = d.cause_id "
        f"WHERE d.deleted_at IS NULL AND {where}"
    )
    return set(window.context.read(lambda s: s.scalars(query).all()))


@pytest.fixture
def dashboard(qtbot: Any, window: MainWindow) -> MainWindow:
    window.resize(1300, 1000)
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.waitUntil(lambda: window.dashboard.built)
    for panel in window.dashboard.panels.values():
        panel.canvas.draw()
    return window


def test_clicking_a_category_slice_filters_the_table_to_exactly_its_deals(
    qtbot: Any, dashboard: MainWindow
) -> None:
    panel = dashboard.dashboard.panels["headline"]
    service_id = dashboard.context.read(
        lambda s: s.scalar(text("SELECT id FROM categories WHERE name = 'Customer service'"))
    )
    wedge = next(w for w in panel.figure.findobj(Wedge) if w.get_gid() == f"category:{service_id}")
    with qtbot.waitSignal(dashboard.dashboard.drillDown, timeout=2000) as blocker:
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=wedge_point(panel, wedge))
    assert blocker.args == [f"category:{service_id}"]
    assert dashboard.tabs.currentIndex() == DEALS_TAB
    assert dashboard.filter_bar.category.currentText() == "Customer service"
    assert shown_ids(dashboard) == sql_ids(dashboard, f"c.category_id = {service_id}")


def test_clicking_a_trend_bar_shows_that_month_and_category(
    qtbot: Any, dashboard: MainWindow
) -> None:
    panel = dashboard.dashboard.panels["trend"]
    bar = next(
        b
        for b in panel.figure.findobj(Rectangle)
        if b.get_gid() == "month:2026-10-01|category:Land" and b.get_height() > 0
    )
    with qtbot.waitSignal(dashboard.dashboard.drillDown, timeout=2000):
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=bar_point(panel, bar))
    expected = sql_ids(
        dashboard,
        "c.category_id = (SELECT id FROM categories WHERE name = 'Land')"
        " AND d.fell_through_on BETWEEN '2026-10-01' AND '2026-10-31'",
    )
    assert len(expected) == bar.get_height()
    assert shown_ids(dashboard) == expected


def test_the_charts_follow_the_filter(qtbot: Any, dashboard: MainWindow) -> None:
    def drawn_total() -> str:
        panel = dashboard.dashboard.panels["headline"]
        return "\n".join(t.get_text() for t in panel.figure.texts + panel.figure.axes[0].texts)

    everything = len(shown_ids(dashboard))
    assert str(everything) in drawn_total()
    dashboard.filter_bar.status.setCurrentIndex(dashboard.filter_bar.status.findData("confirmed"))
    confirmed = len(sql_ids(dashboard, "d.cause_status = 'confirmed'"))
    assert confirmed != everything
    # Read in the background: the old charts stay, greyed, until the new figures arrive.
    assert dashboard.dashboard.reading
    assert not dashboard.dashboard.grid_host.isEnabled()
    with qtbot.waitSignal(dashboard.dashboard.refreshed, timeout=30_000):
        pass
    assert dashboard.dashboard.grid_host.isEnabled()
    assert str(confirmed) in drawn_total()
    assert f"{confirmed} deals</b> fell through" in dashboard.dashboard.kpis.text()


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_each_chart_saves_as_png_svg_and_pdf(
    qtbot: Any, dashboard: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:  # fmt: skip
    target = tmp_path / f"chart{suffix}"
    monkeypatch.setattr(ask, "ask_save_path", lambda *_a: str(target))
    panel = dashboard.dashboard.panels["pareto"]
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    data = target.read_bytes()
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    assert data.startswith(magic)


def test_copy_puts_the_chart_on_the_clipboard(qtbot: Any, dashboard: MainWindow) -> None:
    QGuiApplication.clipboard().clear()
    panel = dashboard.dashboard.panels["funnel"]
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    image = QGuiApplication.clipboard().image()
    assert not image.isNull()
    assert image.width() > 300


def test_the_headline_names_its_base_and_the_controllable_split_stands_beside_it(
    dashboard: MainWindow,
) -> None:
    def count(where: str) -> int:
        return len(
            sql_ids(dashboard, f"c.category_id IN (SELECT id FROM categories WHERE {where})")
        )

    land, service = count("key = 'land'"), count("key = 'customer_service'")
    classified = count("controllable IS NOT NULL")
    pending = len(sql_ids(dashboard, "c.key = 'pending_call'"))
    assert pending  # the sample data has deals awaiting their call
    kpis = dashboard.dashboard.kpis.text()
    land_percent = round(100 * land / (land + service))
    assert (
        f"Land vs service: {land_percent}% land / {100 - land_percent}% service, "
        f"of the {land + service} deals whose cause was land or service"
    ) in kpis
    assert f"of the {classified} deals in categories marked controllable or not" in kpis
    awaiting = "1 deal awaits its call" if pending == 1 else f"{pending} deals await their call"
    assert awaiting in kpis
    assert "share" in dashboard.dashboard.kpis.toolTip()
    panel = dashboard.dashboard.panels["headline"]
    [legend] = panel.figure.legends
    assert legend.get_title().get_text() == f"Share of all {len(shown_ids(dashboard))} deals"


def test_the_salesperson_chart_splits_each_persons_deals(dashboard: MainWindow) -> None:
    panel = dashboard.dashboard.panels["people"]
    segments = [b for b in panel.figure.findobj(Rectangle) if b.get_gid()]
    person = segments[0].get_gid()
    person_id = person.split(":")[1]
    mine = [b for b in segments if b.get_gid() == person]
    assert len(mine) == 3  # not controllable, controllable, neither yet
    assert sum(b.get_width() for b in mine) == len(
        sql_ids(dashboard, f"d.salesperson_id = {person_id}")
    )
    controllable = len(
        sql_ids(
            dashboard,
            f"d.salesperson_id = {person_id} AND c.category_id IN "
            "(SELECT id FROM categories WHERE controllable)",
        )
    )
    assert mine[1].get_width() == controllable


def test_the_charts_follow_a_dark_palette(qtbot: Any, dashboard: MainWindow) -> None:
    from matplotlib.colors import to_hex
    from PySide6.QtWidgets import QApplication

    from dft.analytics.charts import DARK, LIGHT
    from dft.ui.theme import dark_palette

    panel = dashboard.dashboard.panels["pareto"]
    assert to_hex(panel.figure.get_facecolor()) == LIGHT.background.lower()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(
            lambda: to_hex(panel.figure.get_facecolor()) == DARK.background.lower(), timeout=5000
        )
        axes = panel.figure.axes[0]
        assert to_hex(axes.get_facecolor()) == DARK.background.lower()
        assert {to_hex(t.get_color()) for t in axes.get_yticklabels()} == {DARK.ink.lower()}
    finally:
        app.setPalette(before)


def test_turning_the_wheel_over_a_chart_scrolls_and_never_drills_down(
    qtbot: Any, dashboard: MainWindow
) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    panel = dashboard.dashboard.panels["headline"]
    wedge = next(w for w in panel.figure.findobj(Wedge) if (w.get_gid() or "").startswith("cat"))
    point = QPointF(wedge_point(panel, wedge))
    for step in (120, -120):  # a notch down, a notch up
        wheel = QWheelEvent(
            point, QPointF(panel.canvas.mapToGlobal(point.toPoint())), QPoint(0, 0),
            QPoint(0, step), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        with qtbot.assertNotEmitted(dashboard.dashboard.drillDown, wait=100):
            QApplication.sendEvent(panel.canvas, wheel)
    assert dashboard.tabs.currentWidget() is dashboard.dashboard
    # A right click is not a drill-down either; a left click still is.
    with qtbot.assertNotEmitted(dashboard.dashboard.drillDown, wait=100):
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.RightButton, pos=point.toPoint())
    with qtbot.waitSignal(dashboard.dashboard.drillDown, timeout=2000):
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=point.toPoint())
