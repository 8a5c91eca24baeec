"""The deals table: correct rows for every filter, a well-behaved model, page-sized loads."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from dft.core.demo import generate_demo_data
from dft.core.queries import DealFilter
from dft.store.database import Database, open_database
from dft.store.location import sqlite_url
from dft.ui.context import AppContext
from dft.ui.main_window import MainWindow
from dft.ui.models.deals_table import COLUMN_INDEX, PAGE_SIZE, DealsTableModel
from dft.ui.models.follow_ups_table import FollowUpsTableModel
from tests.ui.conftest import TODAY


def sql_ids(context: AppContext, where: str, **params: Any) -> set[int]:
    """The same question asked in plain SQL, independent of DealFilter."""
    query = text(
        "SELECT d.id FROM deals d LEFT JOIN causes c ON c.id = d.cause_id "
        f"WHERE d.deleted_at IS NULL AND ({where})"
    )
    return set(context.read(lambda s: s.scalars(query, params).all()))


def model_ids(window: MainWindow) -> set[int]:
    model = window.deals_model
    return {model.deal_id_at(row) for row in range(model.rowCount())}


def first_id(context: AppContext, table: str) -> int:
    return context.read(lambda s: s.scalar(text(f"SELECT min(id) FROM {table}")))


def pick(combo: Any, value: Any) -> None:
    index = combo.findData(value)
    assert index >= 0
    combo.setCurrentIndex(index)


CASES: list[tuple[str, Any, str, dict[str, Any]]] = [
    ("text", lambda w, c: w.filter_bar.search.setText("smith"),
     "lower(d.client_name) LIKE '%smith%' OR lower(d.contract_number) LIKE '%smith%'"
     " OR lower(d.notes) LIKE '%smith%'", {}),
    ("text-notes", lambda w, c: w.filter_bar.search.setText("SPRING"),
     "lower(d.notes) LIKE '%spring%' OR lower(d.client_name) LIKE '%spring%'", {}),
    ("last-3-months", lambda w, c: pick(w.filter_bar.period, "last_3_months"),
     "d.fell_through_on >= '2026-09-01' AND d.fell_through_on <= '2026-11-24'", {}),
    ("custom-range", lambda w, c: (
        pick(w.filter_bar.period, "custom"),
        w.filter_bar.date_from.set_value(date(2025, 3, 1)),
        w.filter_bar.date_to.set_value(date(2025, 6, 30))),
     "d.fell_through_on BETWEEN '2025-03-01' AND '2025-06-30'", {}),
    ("category", lambda w, c: pick(w.filter_bar.category, first_id(c, "categories") + 1),
     "c.category_id = :cat", {"cat": "categories+1"}),
    ("cause", lambda w, c: pick(w.filter_bar.cause, first_id(c, "causes")),
     "d.cause_id = :cause", {"cause": "causes"}),
    ("salesperson", lambda w, c: pick(w.filter_bar.salesperson, first_id(c, "salespeople")),
     "d.salesperson_id = :sp", {"sp": "salespeople"}),
    ("lead-source", lambda w, c: pick(w.filter_bar.lead_source, first_id(c, "lead_sources")),
     "d.lead_source_id = :ls", {"ls": "lead_sources"}),
    ("status", lambda w, c: pick(w.filter_bar.status, "confirmed"),
     "d.cause_status = 'confirmed'", {}),
    ("overdue", lambda w, c: w.filter_bar.overdue.setChecked(True),
     "EXISTS (SELECT 1 FROM follow_ups f WHERE f.deal_id = d.id AND f.done_at IS NULL"
     " AND f.due_on < '2026-11-24')", {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "apply", "where", "params"), CASES, ids=[c[0] for c in CASES])
def test_each_filter_shows_exactly_what_sql_returns(
    qtbot: Any, window: MainWindow, name: str, apply: Any, where: str, params: dict[str, Any]
) -> None:
    everything = model_ids(window)
    apply(window, window.context)
    window.filter_bar._emit_now()
    resolved = {
        key: first_id(window.context, value.split("+")[0]) + (1 if "+1" in value else 0)
        for key, value in params.items()
    }
    expected = sql_ids(window.context, where, **resolved)
    assert expected, f"the fixture has no deals for {name}; the test would prove nothing"
    assert expected != everything
    assert model_ids(window) == expected
    window.filter_bar.clear()
    assert model_ids(window) == everything


def test_filters_combine(qtbot: Any, window: MainWindow) -> None:
    pick(window.filter_bar.status, "confirmed")
    pick(window.filter_bar.period, "last_12_months")
    expected = sql_ids(
        window.context, "d.cause_status = 'confirmed' AND d.fell_through_on >= '2025-12-01'"
    )
    assert model_ids(window) == expected


def test_sorting_runs_in_sql_and_keeps_the_selection(qtbot: Any, window: MainWindow) -> None:
    window.select_row(5)
    [selected] = window.selected_ids()
    window.table.sortByColumn(COLUMN_INDEX["contract_value_cents"], Qt.SortOrder.AscendingOrder)
    model = window.deals_model
    values = [model.row_data(r).contract_value_cents for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert values == sorted(values)
    assert window.selected_ids() == [selected]
    window.table.sortByColumn(COLUMN_INDEX["client_name"], Qt.SortOrder.DescendingOrder)
    names = [model.row_data(r).client_name.lower() for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert names == sorted(names, reverse=True)


def test_the_deals_model_passes_the_model_tester(qtmodeltester: Any, context: AppContext) -> None:
    model = DealsTableModel(context.sessions, DealFilter(today=TODAY), today=lambda: TODAY)
    model.reload()
    assert model.rowCount() == 300
    qtmodeltester.check(model, force_py=True)


def test_a_load_reads_the_count_and_the_first_page_and_the_other_ids_when_asked(
    context: AppContext,
) -> None:
    model = DealsTableModel(context.sessions, DealFilter(today=TODAY), today=lambda: TODAY)
    model.reload()
    assert model.rowCount() == 300
    assert not model.all_ids_read  # 300 deals: only the first 200 ids are held
    assert model.page_queries == 1
    assert model.rows_fetched == PAGE_SIZE
    order = context.read(
        lambda s: s.scalars(
            text(
                "SELECT id FROM deals WHERE deleted_at IS NULL"
                " ORDER BY fell_through_on DESC, id DESC"
            )
        ).all()
    )
    assert [model.deal_id_at(row) for row in range(PAGE_SIZE)] == order[:PAGE_SIZE]
    assert not model.all_ids_read
    last = model.row_data(299)  # beyond the first page: every id is read, then its page
    assert model.all_ids_read
    assert last is not None
    assert last.id == order[299]
    assert model.row_of(order[250]) == 250
    assert [model.deal_id_at(row) for row in range(300)] == order
    model.reload()
    assert model.row_of(order[260]) == 260  # found beyond the first page after a reload too
    assert model.row_of(-1) is None


def test_the_follow_ups_model_passes_the_model_tester(
    qtmodeltester: Any, context: AppContext
) -> None:
    model = FollowUpsTableModel(context)
    model.reload()
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)


def test_overdue_next_calls_are_red(window: MainWindow) -> None:
    model = window.deals_model
    column = COLUMN_INDEX["next_follow_up_on"]
    for row in range(model.rowCount()):
        data = model.row_data(row)
        assert data is not None
        brush = model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole)
        overdue = data.next_follow_up_on is not None and data.next_follow_up_on < TODAY
        assert (brush is not None) == overdue


@pytest.fixture(scope="module")
def hundred_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.sqlite3"
    database = open_database(sqlite_url(path))
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=100_000, seed=2, today=TODAY, batch_size=20_000)
    database.close()
    return path


@pytest.mark.slow
def test_a_window_on_100000_deals_loads_only_a_page_of_rows(
    qtbot: Any, hundred_thousand: Path, settings: Any
) -> None:
    database: Database = open_database(sqlite_url(hundred_thousand))
    try:
        window = MainWindow(AppContext(database, settings, today=lambda: TODAY), lambda *_a: None)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        model = window.deals_model
        assert model.rowCount() == 100_000
        first_row = model.data(model.index(0, COLUMN_INDEX["client_name"]))
        assert first_row
        assert model.rows_fetched <= 2 * PAGE_SIZE
        assert model.page_queries <= 2
        # Scrolling to the end fetches that page, not everything in between.
        window.table.scrollToBottom()
        qtbot.wait(1)
        assert model.data(model.index(99_999, COLUMN_INDEX["client_name"]))
        assert model.rows_fetched <= 4 * PAGE_SIZE
        assert window.deals_model.row_data(0).fell_through_on >= TODAY - timedelta(days=10)  # type: ignore[union-attr]
    finally:
        database.close()
