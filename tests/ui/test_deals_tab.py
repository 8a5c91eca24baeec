"""The Deals tab as a user sees it at the default window size: columns, counts, no match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from dft.ui.main_window import MainWindow
from dft.ui.models.deals_table import COLUMN_INDEX, COLUMNS
from dft.ui.views.deals_tab import NOTES_AT_LEAST


def visible_columns(window: MainWindow) -> list[str]:
    table = window.table
    return [c.key for c in COLUMNS if not table.isColumnHidden(COLUMN_INDEX[c.key])]


def test_at_1280_pixels_every_column_is_in_view_and_the_notes_take_the_rest(
    qtbot: Any, window: MainWindow
) -> None:
    assert window.width() == 1280  # the default size of a first run
    table = window.table
    qtbot.waitUntil(lambda: table.columnWidth(COLUMN_INDEX["notes"]) <= 3 * NOTES_AT_LEAST)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    shown = visible_columns(window)
    assert shown[-1] == "notes"
    assert {"client_name", "contract_number", "category", "cause", "salesperson",
            "next_follow_up_on"} <= set(shown)  # fmt: skip
    header = table.horizontalHeader()
    salesperson = COLUMN_INDEX["salesperson"]
    right_edge = header.sectionViewportPosition(salesperson) + header.sectionSize(salesperson)
    assert right_edge <= table.viewport().width()
    widths = {key: table.columnWidth(COLUMN_INDEX[key]) for key in shown}
    assert sum(widths.values()) == table.viewport().width()  # the notes take the rest
    assert widths["notes"] >= NOTES_AT_LEAST
    for key in ("fell_through_on", "contract_number", "contract_value_cents", "category",
                "salesperson", "next_follow_up_on"):  # fmt: skip
        assert widths[key] >= table.sizeHintForColumn(COLUMN_INDEX[key]), key  # whole


def test_a_column_left_out_comes_back_from_the_headers_menu(qtbot: Any, window: MainWindow) -> None:
    assert "cause_status" not in visible_columns(window)

    def pick_status() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick_status)
            return
        [status] = [a for a in menu.actions() if a.text() == "Status"]
        status.trigger()
        menu.close()

    QTimer.singleShot(0, pick_status)
    window.deals_stack._column_menu(window.table.horizontalHeader().rect().center())
    assert "cause_status" in visible_columns(window)


def test_the_status_bar_counts_what_the_filters_show_at_every_change(
    qtbot: Any, window: MainWindow
) -> None:
    label = window.count_label
    # The counts are read in the background (the rows paint first).
    qtbot.waitUntil(lambda: label.text().startswith("300 deals"))
    assert "shown" not in label.text()
    window.filter_bar.status.setCurrentIndex(window.filter_bar.status.findData("confirmed"))
    confirmed = window.deals_model.rowCount()
    assert 0 < confirmed < 300
    assert f"{confirmed} shown" in label.text()
    qtbot.keyClicks(window.filter_bar.search, "Lopez")
    qtbot.waitUntil(lambda: window.deals_model.rowCount() < confirmed)
    assert f"{window.deals_model.rowCount()} shown" in label.text()
    qtbot.mouseClick(window.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    assert window.deals_model.rowCount() == 300
    assert "shown" not in label.text()


def test_no_match_says_so_in_the_table_with_a_way_back(qtbot: Any, window: MainWindow) -> None:
    notice = window.deals_stack.no_match
    assert not notice.isVisible()
    qtbot.keyClicks(window.filter_bar.search, "no client is called this")
    qtbot.waitUntil(lambda: window.deals_model.rowCount() == 0)
    assert notice.isVisible()
    assert "No deals match these filters" in " ".join(w.text() for w in notice.findChildren(QLabel))
    assert "0 shown" in window.count_label.text()
    viewport = window.table.viewport().rect()
    assert viewport.contains(notice.geometry())
    qtbot.mouseClick(window.deals_stack.clear_filters_button, Qt.MouseButton.LeftButton)
    assert window.filter_bar.search.text() == ""
    assert window.deals_model.rowCount() == 300
    assert not notice.isVisible()
