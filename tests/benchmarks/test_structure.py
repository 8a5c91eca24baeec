"""What the benchmark numbers depend on, guarded in the default test run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import (
    by_category,
    by_cause,
    by_lead_source,
    by_responsible_role,
    changed_causes,
    deposits,
    recovery,
)
from dft.analytics.call_figures import call_figures
from dft.analytics.cost import month_costs
from dft.analytics.follow_ups import follow_up_metrics
from dft.analytics.timing import signing_to_fall_through
from dft.core.demo import generate_demo_data
from dft.core.queries import DealFilter

ROOT = Path(__file__).resolve().parents[2]


def test_the_month_category_aggregate_reads_the_index_not_the_table(session: Session) -> None:
    generate_demo_data(session, deals=3000, seed=4, today=date(2026, 11, 24))
    session.connection().exec_driver_sql("ANALYZE")
    statements: list[object] = []
    listener = lambda state: statements.append(state.statement)  # noqa: E731
    event.listen(session, "do_orm_execute", listener)
    try:
        by_category(session, DealFilter(fell_from=date(2026, 10, 1), fell_to=date(2026, 10, 31)))
    finally:
        event.remove(session, "do_orm_execute", listener)
    aggregate = next(s for s in statements if "count(" in str(s).lower())
    sql = str(aggregate.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))  # type: ignore[attr-defined]
    plan = [row[3] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    on_deals = [step for step in plan if " deals" in f" {step}" or "deals " in step]
    assert any("ix_deals_live_" in step for step in on_deals), plan
    assert not any(step.startswith("SCAN deals") and "INDEX" not in step for step in on_deals), plan


def _plans(session: Session, read: Callable[[], object]) -> list[list[str]]:
    """The query plan of every statement ``read`` sends."""
    statements: list[tuple[str, object]] = []

    def record(_conn: object, _cursor: object, sql: str, params: object, *_rest: object) -> None:
        statements.append((sql, params))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    connection = session.connection()
    return [
        [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]  # type: ignore[arg-type]
        for sql, params in statements
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def _reads(plan: list[str], table: str) -> list[str]:
    return [step for step in plan if f" {table} " in f" {step} "]


def test_the_months_figures_read_the_covering_indexes_never_the_tables(session: Session) -> None:
    """The report's dozen groupings of a month's deals, and its passes over their
    calls, read migration 0010's covering indexes alone (no statistics, as a user's
    database has none)."""
    generate_demo_data(session, deals=3000, seed=4, today=date(2026, 11, 24))
    october = DealFilter(fell_from=date(2026, 10, 1), fell_to=date(2026, 10, 31))
    grouped = _plans(
        session,
        lambda: [
            by_responsible_role(session, october),
            by_lead_source(session, october),
            by_cause(session, october),
            recovery(session, october),
            deposits(session, october),
            changed_causes(session, october),
            month_costs(session, october),
            signing_to_fall_through(session, october),
        ],
    )
    on_deals = [step for plan in grouped for step in _reads(plan, "deals")]
    assert on_deals
    assert all("COVERING INDEX ix_deals_live_month_figures" in s for s in on_deals), on_deals
    calls = _plans(
        session,
        lambda: [
            follow_up_metrics(session, october, date(2026, 11, 24)),
            call_figures(session, october),
        ],
    )
    steps = [s for plan in calls for s in _reads(plan, "follow_ups") + _reads(plan, "follow_ups_1")]
    assert steps
    assert all("COVERING INDEX ix_follow_ups_deal_calls" in s for s in steps), steps


def test_opening_the_main_window_does_not_import_matplotlib(tmp_path: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from dft.ui.app import create_application, build_main_window
from dft.store.database import open_database
from dft.store.location import sqlite_url
app = create_application()
window = build_main_window(open_database(sqlite_url(Path({str(tmp_path / "db.sqlite3")!r}))),
                           QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat))
window.show()
app.processEvents()
print("before", "matplotlib" in sys.modules, "alembic" in sys.modules)
window.tabs.setCurrentWidget(window.dashboard)
app.processEvents()
print("after", "matplotlib" in sys.modules)
window.close()
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, check=False, timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "after True" in first.stdout  # the dashboard does load it
    # The second start opens an existing, up-to-date database: the common case.
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, check=False, timeout=120)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "before False False" in second.stdout


@pytest.mark.slow
def test_the_benchmark_script_runs_every_measurement(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--keep", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    # data_rows: two import rows, and two text filter rows per size
    assert len(table) == 2 + 19 + 6 + 4, result.stdout
    for name in ("import of", "month breakdown", "main window", "peak memory", "text filter",
                 "monthly PDF report", "insights of a month", "cause model trained",
                 "one cause suggestion", "dft --version", "dft summary", "dft copy",
                 "backup with its", "quick_check alone", "integrity_check",
                 "report preview builds", "dashboard refresh"):  # fmt: skip
        assert any(name in line for line in table), name
