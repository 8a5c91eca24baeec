"""Benchmarks: every figure a median of several runs beside a baseline taken in the same run.

    python -m tests.benchmarks            # 100,000 and 1,000,000 deals (minutes)
    python -m tests.benchmarks --quick    # small sizes: a smoke test of every measurement

The machines are shared and noisy, so each measurement is reported as a ratio
to a baseline measured right beside it (plain sqlite3, an empty window,
``python -c pass``), and compared with its target.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)
MONTH = date(2026, 10, 1)


@dataclass
class Row:
    name: str
    value: str
    baseline: str
    ratio: float | None
    target: str
    ok: bool | None


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


# -- Databases -----------------------------------------------------------------------


def demo_database(folder: Path, deals: int) -> Path:
    """A database of ``deals`` demo deals, built once per size and reused."""
    from dft.core.demo import generate_demo_data
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    path = folder / f"demo-{deals}.sqlite3"
    if path.exists():
        return path
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=deals, seed=1, today=TODAY, batch_size=20_000)
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    return path


def fresh(path: Path) -> Path:
    """No leftovers from an earlier run (--keep reuses the folder)."""
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    return path


# -- Measurements ------------------------------------------------------------------------


def bench_analytics(path: Path, deals: int, runs: int) -> Row:
    """Month breakdown by category and cause plus the 24-month trend, against plain GROUP BYs."""
    from dft.analytics.breakdowns import by_category, by_cause, monthly_trend
    from dft.core.queries import DealFilter
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    database = open_database(sqlite_url(path), daily_backup=False)
    month = DealFilter(fell_from=MONTH, fell_to=date(2026, 10, 31), today=TODAY)

    def ours() -> None:
        with database.read_sessions.begin() as session:
            by_category(session, month)
            by_cause(session, month)
            monthly_trend(session, DealFilter(today=TODAY), MONTH, 24)

    connection = sqlite3.connect(path)

    def baseline() -> None:
        connection.execute(
            "SELECT c.category_id, count(*), sum(d.contract_value_cents) FROM deals d"
            " LEFT JOIN causes c ON c.id = d.cause_id WHERE d.deleted_at IS NULL"
            " AND d.fell_through_on BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY c.category_id"
        ).fetchall()
        connection.execute(
            "SELECT d.cause_id, count(*), sum(d.contract_value_cents) FROM deals d"
            " WHERE d.deleted_at IS NULL AND d.fell_through_on BETWEEN '2026-10-01'"
            " AND '2026-10-31' GROUP BY d.cause_id"
        ).fetchall()
        connection.execute(
            "SELECT strftime('%Y-%m', d.fell_through_on), c.category_id, count(*),"
            " sum(d.contract_value_cents) FROM deals d LEFT JOIN causes c ON c.id = d.cause_id"
            " WHERE d.deleted_at IS NULL AND d.fell_through_on BETWEEN '2024-11-01'"
            " AND '2026-10-31' GROUP BY 1, 2"
        ).fetchall()

    try:
        mine, base = median_seconds(ours, runs), median_seconds(baseline, runs)
    finally:
        connection.close()
        database.close()
    return Row(f"month breakdown + 24-month trend, {deals:,} deals", fmt(mine), fmt(base),
               mine / base, "ratio <= 1.5", mine / base <= 1.5)  # fmt: skip


def bench_insights(path: Path, deals: int, runs: int) -> list[Row]:
    """The insights of a month (what `dft insights --json` prints) against plain GROUP BYs,
    and a cause suggestion from a model trained on the latest 10,000 calls."""
    from dft.analytics.insights import build_insights, insights_json
    from dft.analytics.suggest import CauseModel, training_examples
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    database = open_database(sqlite_url(path), daily_backup=False)

    def ours() -> None:
        with database.read_sessions.begin() as session:
            insights_json(build_insights(session, MONTH, MONTH))

    connection = sqlite3.connect(path)
    month = "d.fell_through_on BETWEEN '2026-10-01' AND '2026-10-31' AND d.deleted_at IS NULL"

    def baseline() -> None:
        connection.execute(
            "SELECT d.salesperson_id, f.caller, count(*) FROM follow_ups f JOIN deals d"
            f" ON d.id = f.deal_id WHERE f.cause_result IS NOT NULL AND {month}"
            " GROUP BY 1, 2"
        ).fetchall()
        connection.execute(
            "SELECT d.cause_id, count(*), sum(d.contract_value_cents), sum(d.deposit_cents)"
            f" FROM deals d WHERE {month} GROUP BY 1"
        ).fetchall()

    with database.read_sessions.begin() as session:
        examples = training_examples(session, limit=10_000)
    texts = iter([text for text, _cause in examples] * 100)
    model = CauseModel(examples)

    try:
        mine, base = median_seconds(ours, runs), median_seconds(baseline, runs)
        train = median_seconds(lambda: CauseModel(examples), runs)
        read = median_seconds(lambda: [t.split() for t, _c in examples], runs)
        suggest = median_seconds(lambda: model.probabilities(next(texts)), runs * 20)
    finally:
        connection.close()
        database.close()
    return [
        Row(f"insights of a month, {deals:,} deals", fmt(mine), fmt(base), mine / base,
            "report the ratio", None),
        Row(f"cause model trained on {len(examples):,} calls", fmt(train),
            fmt(read), train / read, "report the ratio", None),
        Row("one cause suggestion", fmt(suggest), "", None, "median < 50 ms", suggest < 0.05),
    ]  # fmt: skip


def bench_copy(path: Path, deals: int, runs: int) -> Row:
    """`dft copy` to PostgreSQL (verified) against bare executemany of the same rows there."""
    from sqlalchemy import Boolean

    from dft.core.models import Base
    from dft.store.copying import copy_database
    from dft.store.database import open_database
    from dft.store.location import sqlite_url
    from tests.postgres_server import ServerUnavailable, start_server

    name = f"dft copy of {deals:,} deals, SQLite -> PostgreSQL, verified"
    try:
        server = start_server()
    except ServerUnavailable as exc:
        return Row(name, f"skipped ({exc})", "", None, "report the ratio", None)

    def ours() -> None:
        database = server.create_database()
        copy_database(sqlite_url(path), server.url(database))
        server.drop_database(database)

    def baseline() -> None:
        import psycopg

        database = server.create_database()
        open_database(server.url(database)).close()  # the same schema, made the same way
        url = server.url(database)
        source = sqlite3.connect(path)
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password,
            dbname=database,
        ) as target, target.cursor() as cursor:  # fmt: skip
            for table in reversed(Base.metadata.sorted_tables):
                cursor.execute(f"DELETE FROM {table.name}")
            for table in Base.metadata.sorted_tables:
                columns = [c.name for c in table.columns]
                flags = [isinstance(c.type, Boolean) for c in table.columns]
                rows = [
                    tuple(bool(v) if flag and v is not None else v
                          for v, flag in zip(row, flags, strict=True))
                    for row in source.execute(f"SELECT {', '.join(columns)} FROM {table.name}")
                ]  # fmt: skip
                if rows:
                    cursor.executemany(
                        f"INSERT INTO {table.name} ({', '.join(columns)})"
                        f" VALUES ({', '.join(['%s'] * len(columns))})",
                        rows,
                    )
        source.close()
        server.drop_database(database)

    try:
        mine, base = median_seconds(ours, runs), median_seconds(baseline, runs)
    finally:
        server.stop()
    return Row(name, fmt(mine), fmt(base), mine / base, "report the ratio", None)


def bench_checks(path: Path, deals: int, runs: int) -> list[Row]:
    """A backup with its check, and SQLite's checks on their own (dft/store/integrity.py
    decides when each runs), beside a plain backup-API copy of the same file."""
    from dft.store.backup import backup_sqlite_file
    from dft.store.integrity import check_file

    copy = path.with_name(f"check-copy-{path.name}")

    def plain_copy() -> None:
        fresh(copy)
        source, target = sqlite3.connect(path), sqlite3.connect(copy)
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        target.close()
        source.close()

    def checked_backup() -> None:
        fresh(copy)
        backup_sqlite_file(path, destination=copy, backup_dir=path.parent)

    try:
        base = median_seconds(plain_copy, runs)
        backup = median_seconds(checked_backup, runs)
    finally:
        fresh(copy)
    quick = median_seconds(lambda: check_file(path), runs)
    full = median_seconds(lambda: check_file(path, full=True), max(1, runs // 2))
    size = f"{deals:,} deals ({path.stat().st_size / 1e6:.0f} MB)"
    return [
        Row(f"backup with its quick_check, {size}", fmt(backup), fmt(base), backup / base,
            "report the ratio", None),
        Row(f"quick_check alone, {deals:,} deals", fmt(quick), fmt(base), quick / base,
            "report the ratio", None),
        Row(f"integrity_check (`dft check`), {deals:,} deals", fmt(full), fmt(base), full / base,
            "report the ratio", None),
    ]  # fmt: skip


# -- The table -----------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = [
        "| measurement | value | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        met = "" if row.ok is None else ("yes" if row.ok else "**no**")
        lines.append(
            f"| {row.name} | {row.value} | {row.baseline} | {ratio} | {row.target} | {met} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return (f"{platform.system()} {platform.machine()}, {cpus} cores{memory}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")  # fmt: skip


STEPS = (
    "import",
    "analytics",
    "window",
    "filter",
    "report",
    "insights",
    "processes",
    "copy",
    "checks",
    "preview",
    "dashboard",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, one or two runs")
    parser.add_argument("--keep", metavar="DIR", help="build/reuse the databases in DIR")
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        help="run only these measurements (repeatable)",
    )
    args = parser.parse_args(argv)
    small, large = (2_000, 10_000) if args.quick else (100_000, 1_000_000)
    runs = 2 if args.quick else 5
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dft-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {machine()}", flush=True)
    print(f"Building databases of {small:,} and {large:,} demo deals in {folder} ...", flush=True)
    small_db, large_db = demo_database(folder, small), demo_database(folder, large)
    rows: list[Row] = []
    from tests.benchmarks import data_rows

    steps: dict[str, Callable[[], Row | list[Row]]] = {
        "import": lambda: data_rows.bench_import(folder, small, max(1, runs // 2)),
        "analytics": lambda: bench_analytics(large_db, large, runs),
        "filter": lambda: [
            *data_rows.bench_search(folder, small_db, small, runs * 3),
            *data_rows.bench_search(folder, large_db, large, runs * 3),
        ],
        "insights": lambda: bench_insights(large_db, large, max(1, runs // 2)),
        "copy": lambda: bench_copy(small_db, small, max(1, runs // 2)),
        "checks": lambda: [
            *bench_checks(small_db, small, runs),
            *bench_checks(large_db, large, max(1, runs // 2)),
        ],
    }
    from tests.benchmarks import ui_rows  # window, processes, report, preview, dashboard

    steps.update(ui_rows.steps(folder, (small, large), (small_db, large_db), runs))
    for step_name, step in steps.items():
        if args.only and step_name not in args.only:
            continue
        result = step()
        for row in result if isinstance(result, list) else [result]:
            rows.append(row)
            print(f"  {row.name}: {row.value} (baseline {row.baseline})", flush=True)
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
