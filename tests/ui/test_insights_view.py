"""The Insights tab: the filter's insights, read off the GUI thread; save, copy, drill down."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableWidget
from sqlalchemy.orm import Session

from dft.analytics import insights as analytics_insights
from dft.analytics.insights import Insights, filter_insights
from dft.core.queries import DealFilter
from dft.ui import ask
from dft.ui.main_window import DEALS_TAB, INSIGHTS_TAB, MainWindow
from tests.ui.conftest import TODAY
from tests.ui.test_dashboard import bar_point, shown_ids, sql_ids


def cells(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def expected(window: MainWindow, deal_filter: DealFilter) -> Insights:
    return window.context.read(lambda s: filter_insights(s, deal_filter, TODAY))


@pytest.fixture
def insights(qtbot: Any, window: MainWindow) -> MainWindow:
    window.resize(1300, 1000)
    with qtbot.waitSignal(window.insights.shown, timeout=10_000):
        window.insights_tab_action.trigger()
    for panel in window.insights.panels.values():
        panel.canvas.draw()
    return window


def test_the_tab_reads_off_the_gui_thread_and_the_window_stays_usable(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    read_on: list[threading.Thread] = []

    def slow(session: Session, deal_filter: DealFilter, today: Any) -> Insights:
        read_on.append(threading.current_thread())
        assert release.wait(10)
        return filter_insights(session, deal_filter, today)

    monkeypatch.setattr(analytics_insights, "filter_insights", slow)
    view = window.insights
    window.tabs.setCurrentIndex(INSIGHTS_TAB)
    qtbot.waitUntil(lambda: bool(read_on))
    assert view.reading
    assert view.status.text() == "Reading the insights…"
    # Still reading, and the window answers: the tabs switch and the filter bar works.
    window.tabs.setCurrentIndex(DEALS_TAB)
    assert window.tabs.currentIndex() == DEALS_TAB
    with qtbot.waitSignal(window.filter_bar.filterChanged, timeout=5000):
        window.filter_bar.search.setText("a")
    assert window.deals_model.rowCount() > 0
    assert view.reading
    with qtbot.waitSignal(view.shown, timeout=10_000):
        release.set()
        window.tabs.setCurrentIndex(INSIGHTS_TAB)
    assert threading.main_thread() not in read_on
    assert not view.reading
    assert view.status.text() == ""


def test_the_figures_are_the_filters_insights(qtbot: Any, insights: MainWindow) -> None:
    view = insights.insights
    everything = expected(insights, DealFilter(today=TODAY))
    latest = everything.control.latest
    assert latest is not None
    assert view.headline.text() == f"November 2026: {latest.headline()}"
    rows = cells(view.tables["calibration"])
    assert [row[0] for row in rows] == [r.salesperson for r in everything.calibration]
    first = everything.calibration[0]
    assert rows[0][2:4] == [str(first.settled), str(first.confirmed)]
    assert rows[0][7] == f"{first.confirmed_share.value * 100:.1f}%"
    callers = cells(view.tables["callers"])
    assert callers[1][:3] == [
        "Someone else",
        str(everything.callers.someone_else.calls),
        str(everything.callers.someone_else.changed),
    ]
    assert f"{everything.cost.resold}</b> re-sold" in view.cost_figures.text()
    assert "of all time" in view.scope.text()
    drawn = [t.get_text() for t in view.panels["control"].figure.findobj()
             if hasattr(t, "get_text")]  # fmt: skip
    assert latest.headline() in drawn


def test_the_insights_follow_the_filter_bar(qtbot: Any, insights: MainWindow) -> None:
    bar = insights.filter_bar
    with qtbot.waitSignal(insights.insights.shown, timeout=10_000):
        bar.salesperson.setCurrentIndex(bar.salesperson.findText("Priya Raman"))
    rows = cells(insights.insights.tables["calibration"])
    assert [row[0] for row in rows] == ["Priya Raman"]
    person = DealFilter(salesperson_ids=(bar.salesperson.currentData(),), today=TODAY)
    [priya] = expected(insights, person).calibration
    assert rows[0][1:3] == [str(priya.deals), str(priya.settled)]
    with qtbot.waitSignal(insights.insights.shown, timeout=10_000):
        bar.period.setCurrentIndex(bar.period.findData("last_month"))
    assert "from 2026-10-01 to 2026-10-31" in insights.insights.scope.text()


def test_a_click_on_a_win_back_bar_shows_that_causes_deals(
    qtbot: Any, insights: MainWindow
) -> None:
    panel = insights.insights.panels["win_backs"]
    bar = next(b for b in panel.figure.findobj(Rectangle) if (b.get_gid() or "").startswith(
        "cause:"))  # fmt: skip
    cause_id = int(bar.get_gid().split(":")[1])
    with qtbot.waitSignal(insights.insights.drillDown, timeout=2000):
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=bar_point(panel, bar))
    assert insights.tabs.currentIndex() == DEALS_TAB
    assert shown_ids(insights) == sql_ids(insights, f"d.cause_id = {cause_id}")


def test_a_chart_saves_and_copies(
    qtbot: Any, insights: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = insights.insights.panels["control"]
    target = tmp_path / "control.png"
    monkeypatch.setattr(ask, "ask_save_path", lambda *_a: str(target))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"\x89PNG")
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(insights.insights.panels["calibration"].copy_button,
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert QGuiApplication.clipboard().image().width() > 300


def test_a_logged_call_is_in_the_insights_when_the_tab_is_seen_again(
    qtbot: Any, insights: MainWindow
) -> None:
    from datetime import datetime

    from dft.core.follow_ups import record_follow_up

    view = insights.insights
    before = expected(insights, DealFilter(today=TODAY)).callers.someone_else.calls
    insights.tabs.setCurrentIndex(DEALS_TAB)
    deal_id = insights.selected_ids()[0]
    insights.context.write(
        lambda s: record_follow_up(s, deal_id, outcome="reached", caller="Nobody Else",
                                   done_at=datetime(2026, 11, 23, 9), cause_result="confirmed")
    )  # fmt: skip
    with qtbot.waitSignal(view.shown, timeout=10_000):
        insights.tabs.setCurrentIndex(INSIGHTS_TAB)
    calls = cells(view.tables["callers"])
    assert calls[1][1] == str(before + 1)
