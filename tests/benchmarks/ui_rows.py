"""The window, the command line's start, the monthly report, its preview and the dashboard.

Each row beside a baseline taken in the same run:

- the main window against an empty ``QMainWindow`` (both whole processes, first
  rows painted; the app's modules compiled first, as an installed app has them);
- ``dft summary`` against :data:`SUMMARY_BASELINE`, a process that imports
  ``sqlalchemy.orm`` and runs the same GROUP BY by hand;
- the PDF report and the dashboard's refresh against their own SQL, recorded while
  they run and replayed through plain ``sqlite3`` ("its raw queries");
- the report preview: the longest the GUI thread stays away from its event loop
  while the preview builds and Qt lays its page out (a 5 ms timer records the gaps).
"""

from __future__ import annotations

import compileall
import os
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from tests.benchmarks.run import MONTH, ROOT, TODAY, Row, env, fmt, median_seconds

STEPS = ("window", "processes", "report", "preview", "dashboard")

WINDOW_SCRIPT = textwrap.dedent(
    """
    import resource, sys, time
    start = time.perf_counter()
    if sys.argv[1] != "empty":  # what `dft` does first (dft/cli/parser.py main, window.py)
        from dft.core.startup import pause_collection
        pause_collection()
        import dft.store.database
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    if sys.argv[1] == "empty":
        window = QMainWindow()
        window.show()
        app.processEvents()
        window.grab()
    else:
        from dft.store.database import open_database
        from dft.store.location import sqlite_url
        from dft.ui.app import build_main_window
        database = open_database(sqlite_url(Path(sys.argv[1])), daily_backup=False)
        window = build_main_window(database, QSettings(sys.argv[2], QSettings.Format.IniFormat))
        window.show()
        app.processEvents()
        window.table.viewport().grab()  # the first rows, painted
        assert window.deals_model.rowCount() > 0
    elapsed = time.perf_counter() - start
    try:  # this process's own peak: ru_maxrss keeps the parent's across exec on Linux
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        peak = int(line.split()[1]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(elapsed, peak, "matplotlib" in sys.modules)
    """
)

# The baseline of `dft summary --month`: the libraries it stands on, and its GROUP BY.
SUMMARY_BASELINE = textwrap.dedent(
    """
    import sqlite3, sys
    import sqlalchemy.orm  # noqa: F401  (what the command line imports to read at all)
    connection = sqlite3.connect(sys.argv[1])
    for row in connection.execute(
        "SELECT c.category_id, count(*), sum(d.contract_value_cents) FROM deals d"
        " LEFT JOIN causes c ON c.id = d.cause_id WHERE d.deleted_at IS NULL"
        " AND d.fell_through_on BETWEEN ? AND ? GROUP BY c.category_id",
        (sys.argv[2], sys.argv[3]),
    ):
        print(*row)
    """
)


def compiled_like_an_install() -> None:
    """Bytecode for the app's modules, as pip writes it on install (an editable
    install under PYTHONDONTWRITEBYTECODE would compile every module on each start)."""
    compileall.compile_dir(ROOT / "dft", quiet=1)


# -- Window ------------------------------------------------------------------------------


def bench_window(databases: dict[int, Path], runs: int, folder: Path) -> list[Row]:
    """First rows painted on each database, against an empty window shown."""
    compiled_like_an_install()

    def run(argument: str) -> tuple[float, float]:
        result = subprocess.run(
            [sys.executable, "-c", WINDOW_SCRIPT, argument, str(folder / "bench.ini")],
            capture_output=True, text=True, env=env(), check=True,
        )  # fmt: skip
        elapsed, peak, _mpl = result.stdout.split()
        return float(elapsed), float(peak)

    rows: list[Row] = []
    for deals, path in databases.items():
        ours, empty = [], []
        for _ in range(runs):  # interleaved: a busy moment hits both alike
            ours.append(run(str(path)))
            empty.append(run("empty"))
        mine = statistics.median(t for t, _ in ours)
        base = statistics.median(t for t, _ in empty)
        peak = max(p for _, p in ours)
        limit = 2.5 if deals < 1_000_000 else 3.0
        rows += [
            Row(f"main window on {deals:,} deals, first rows painted", fmt(mine), fmt(base),
                mine / base, f"ratio <= {limit} (goal 1.5)", mine / base <= limit),
            Row(f"peak memory, main window on {deals:,} deals", f"{peak:.0f} MB",
                f"{max(p for _, p in empty):.0f} MB", None, "<= 250 MB", peak <= 250),
        ]  # fmt: skip
    return rows


# -- Command line -----------------------------------------------------------------------


def bench_summary(path: Path, runs: int) -> list[Row]:
    """`dft summary --month` and `dft --version` as processes, beside their baselines."""
    compiled_like_an_install()

    def timed(*args: str) -> float:
        def once() -> None:
            subprocess.run([sys.executable, *args], env=env(), capture_output=True, check=True)

        once()  # the file and the libraries in the page cache, for both alike
        return median_seconds(once, runs)

    month = f"{MONTH:%Y-%m}"
    summary = timed("-m", "dft", "summary", "--month", month, "--db", str(path))
    base = timed("-c", SUMMARY_BASELINE, str(path), f"{MONTH}", f"{MONTH:%Y-%m}-31")
    version = timed("-m", "dft", "--version")
    bare = timed("-c", "pass")
    return [
        Row("`dft summary --month` as a process", fmt(summary), fmt(base), summary / base,
            "ratio <= 1.2 (goal 1.05)", summary / base <= 1.2),
        Row("`dft --version` as a process", fmt(version), fmt(bare), version / bare,
            "report the ratio", None),
    ]  # fmt: skip


# -- Recorded SQL, replayed raw ---------------------------------------------------------------


@contextmanager
def recording(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The statements (SQL and parameters) sent to ``engine`` meanwhile."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def replay(path: Path, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    """Plain sqlite3 running ``statements`` and fetching every row: the raw queries."""
    connection = sqlite3.connect(path)
    wanted = [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]

    def run() -> None:
        connection.execute("BEGIN")
        for statement, parameters in wanted:
            connection.execute(statement, parameters).fetchall()
        connection.execute("COMMIT")

    return run


# -- Monthly report --------------------------------------------------------------------------


def bench_report(path: Path, deals: int, runs: int, folder: Path) -> list[Row]:
    """`dft report --out FILE.pdf` (building and writing) against its SQL replayed."""
    from dft.reports.chart_process import stop_drawing_process
    from dft.reports.monthly import ReportScope
    from dft.reports.render import read_report_for, write_report
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    database = open_database(sqlite_url(path), daily_backup=False)
    target = folder / "bench-report.pdf"
    built: list[float] = []

    def ours() -> None:  # as `dft report --out FILE.pdf` does it, its drawing process too
        start = time.perf_counter()
        with database.read_sessions.begin() as session:
            read = read_report_for(session, target, MONTH, ReportScope(), today=TODAY)
        built.append(time.perf_counter() - start)
        write_report(read.report, target, read.pdf_charts)
        stop_drawing_process()  # each run starts its own, as each command does

    try:
        with recording(database.engine) as statements:
            ours()
        raw = replay(path, statements)
        base = median_seconds(raw, runs)
        mine = median_seconds(ours, runs)
    finally:
        database.close()
    build = statistics.median(built)
    ok = mine / base <= 2.0 and mine < 2.0
    return [
        Row(f"monthly PDF report, {deals:,} deals", fmt(mine), fmt(base), mine / base,
            "ratio <= 2.0 and < 2 s (goal 1.3)", ok),
        Row(f"  of which the report's figures, {deals:,} deals", fmt(build), fmt(base),
            build / base, "report the ratio", None),
    ]  # fmt: skip


# -- GUI: the report preview and the dashboard ---------------------------------------------


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread was away."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        """Measure from now."""
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        """The longest gap since :meth:`start` (the gap up to now included)."""
        self._tick()
        self._timer.stop()
        return self.longest


def _gui_context(path: Path) -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from dft.core.startup import pause_collection, started
    from dft.store.database import open_database
    from dft.store.location import sqlite_url
    from dft.ui.app import create_application
    from dft.ui.context import AppContext

    pause_collection()  # the app's start, as `dft` runs it (dft/cli/parser.py main)
    create_application()
    database = open_database(sqlite_url(path), daily_backup=False)
    started()
    settings = QSettings(str(path.with_suffix(".ini")), QSettings.Format.IniFormat)
    return AppContext(database, settings, today=lambda: TODAY)


LAID_OUT_WITHIN_MS = 500


def bench_preview(path: Path, deals: int, runs: int) -> list[Row]:
    """Reports > Monthly report: the longest stall of the GUI thread while it builds
    and for half a second after, while Qt lays the page out."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

    from dft.ui.dialogs.report_dialog import MonthlyReportDialog

    context = _gui_context(path)
    meter = StallMeter()
    stalls, durations = [], []
    try:
        for _ in range(runs):
            loop = QEventLoop()
            meter.start()
            start = time.perf_counter()
            dialog = MonthlyReportDialog(context)
            dialog.show()
            dialog.builder.finished.connect(lambda *_a, loop=loop: loop.quit())
            if dialog.building:
                loop.exec()
            durations.append(time.perf_counter() - start)
            # Qt lays the page out on the GUI thread once it is shown, in steps.
            settle = QEventLoop()
            QTimer.singleShot(LAID_OUT_WITHIN_MS, settle.quit)
            settle.exec()
            stalls.append(meter.stop())
            assert dialog.report is not None
            # Closed and gone before the next opens (else the next dialog's constructor,
            # taking the name, would count the old one's teardown).
            dialog.close()
            dialog.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            del dialog
    finally:
        context.database.close()
    stall, took = statistics.median(stalls), statistics.median(durations)
    return [
        Row(f"longest GUI stall while the report preview builds and shows, {deals:,} deals",
            fmt(stall), f"built in {fmt(took)}", None, "< 50 ms (goal 16 ms)", stall < 0.05),
    ]  # fmt: skip


def bench_dashboard(path: Path, deals: int, runs: int) -> list[Row]:
    """The Dashboard's refresh after a filter change, against its SQL replayed."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from dft.core.queries import DealFilter
    from dft.ui.views.dashboard import DashboardView

    context = _gui_context(path)
    filters = [
        DealFilter(cause_status="confirmed", today=TODAY),
        DealFilter(fell_from=date(2026, 1, 1), today=TODAY),
    ]
    current = [filters[0]]
    view = DashboardView(context, lambda: current[0])
    view.resize(1280, 800)
    meter = StallMeter()
    turn = iter(range(10**6))

    def drawn() -> None:
        loop = QEventLoop()
        view.refreshed.connect(loop.quit)
        if view.reading:
            loop.exec()
        view.refreshed.disconnect(loop.quit)
        QApplication.processEvents()  # the charts painted

    view.show()  # the first reading starts: built and drawn once before measuring
    drawn()

    def ours() -> None:
        current[0] = replace(filters[next(turn) % 2])
        view.filter_changed()
        drawn()

    try:
        with recording(context.database.engine) as statements:
            ours()
        ours()  # the other filter too, so each is warm
        raws = [replay(path, statements)]
        with recording(context.database.engine) as other:
            ours()
        raws.append(replay(path, other))
        base = median_seconds(lambda: [raw() for raw in raws], runs) / 2
        meter.start()
        mine = median_seconds(ours, runs)
        stall = meter.stop()
    finally:
        view.close()
        context.database.close()
    return [
        Row(f"dashboard refresh after a filter change, {deals:,} deals", fmt(mine), fmt(base),
            mine / base, "ratio <= 1.5 (goal 1.1)", mine / base <= 1.5),
        Row(f"  longest GUI stall during those refreshes, {deals:,} deals", fmt(stall), "",
            None, "report it", None),
    ]  # fmt: skip


def steps(
    folder: Path, sizes: tuple[int, int], databases: tuple[Path, Path], runs: int
) -> dict[str, Callable[[], list[Row]]]:
    """This module's measurements by --only name (run.py adds them to its own)."""
    (small, large), (small_db, large_db) = sizes, databases
    return {
        "window": lambda: bench_window(
            {small: small_db, large: large_db}, max(3, runs // 2 + 1), folder
        ),
        "processes": lambda: bench_summary(small_db, runs),
        "report": lambda: bench_report(large_db, large, max(2, runs // 2), folder),
        "preview": lambda: [
            *bench_preview(small_db, small, max(2, runs // 2)),
            *bench_preview(large_db, large, max(2, runs // 2)),
        ],
        "dashboard": lambda: bench_dashboard(large_db, large, max(2, runs // 2)),
    }
