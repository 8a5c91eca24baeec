"""Benchmarks of the data side: importing a CSV, and searching deals' text.

Registered in tests/benchmarks/run.py (``--only import``, ``--only filter``); each
figure is a median beside a baseline measured in the same run.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
from pathlib import Path

from tests.benchmarks.run import TODAY, Row, fmt, fresh, median_seconds

# -- Import --------------------------------------------------------------------------


def bench_import(folder: Path, rows: int, runs: int) -> list[Row]:
    """`dft import` of a CSV against plain sqlite3 executemany of the same rows.

    The baseline writes into the same schema (made by the app, so the same indexes
    and the search index's triggers), in one transaction, with the app's PRAGMAs,
    in the fastest raw way for that schema (an executemany into a temporary table,
    then one INSERT ... SELECT); it fills the folded search column as cheaply as it
    can (``str.lower``), so both keep the same trigram index. A second baseline
    leaves that column empty, as before the search index existed: reported, for
    comparison.
    """
    from dft.exchange.importer import import_file
    from dft.exchange.plan import ImportOptions
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    source = folder / f"import-{rows}.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["client", "contract_number", "contract_value", "fell_through_on",
                         "salesperson", "cause", "notes"])  # fmt: skip
        for i in range(rows):
            writer.writerow([f"Client {i}", f"C-{i}", f"{180000 + i % 1000}.00",
                             f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"Rep {i % 7}",
                             "Customer service/Slow response / long waits", "note"])  # fmt: skip
    counter = iter(range(10**6))

    def ours() -> None:
        target = fresh(folder / f"import-target-{next(counter)}.sqlite3")
        database = open_database(sqlite_url(target), daily_backup=False)
        with database.sessions.begin() as session:
            import_file(session, source, ImportOptions(), today=TODAY)
        database.close()

    def baseline(searchable: bool) -> None:
        target = fresh(folder / f"import-base-{next(counter)}.sqlite3")
        database = open_database(sqlite_url(target), daily_backup=False)  # same schema
        database.close()
        connection = sqlite3.connect(target, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            values = [
                (r[0], r[1], int(float(r[2]) * 100), r[3], r[6],
                 f"{r[0]}\n{r[1]}\n{r[6]}".lower() if searchable else "",
                 "2026-01-01", "2026-01-01")
                for r in reader
            ]  # fmt: skip
        columns = (
            "client_name, contract_number, contract_value_cents, fell_through_on, notes,"
            " search_text, created_at, updated_at"
        )
        connection.execute("BEGIN")
        # Through a temporary table and one INSERT ... SELECT, as the app does: the
        # search index's trigger would otherwise make FTS5 write a segment per row.
        connection.execute(f"CREATE TEMP TABLE bulk ({columns})")
        connection.executemany(f"INSERT INTO bulk VALUES ({', '.join('?' * 8)})", values)
        connection.execute(f"INSERT INTO deals ({columns}) SELECT {columns} FROM bulk")
        connection.execute("DROP TABLE bulk")
        connection.execute("COMMIT")
        connection.close()

    mine = median_seconds(ours, runs)
    base = median_seconds(lambda: baseline(True), runs)
    bare = median_seconds(lambda: baseline(False), runs)
    return [
        Row(f"import of a {rows:,}-row CSV", fmt(mine), fmt(base), mine / base,
            "ratio <= 2 (goal 1.3)", mine / base <= 2),
        Row(f"import of a {rows:,}-row CSV, baseline without the search column", fmt(mine),
            fmt(bare), mine / bare, "report the ratio", None),
    ]  # fmt: skip


# -- Search ---------------------------------------------------------------------------

# Written over one deal in a thousand of a copy of the demo database (whose
# names are ASCII), so accented and non-Latin words have something to find.
WORLD_NAMES = (
    ("Jürgen Müller", "Rückruf im Frühling gewünscht."),
    ("Élodie Lefèvre", "A demandé une copie de la lettre d'annulation."),
    ("Ελένη Παπαδοπούλου", "Ο πελάτης θέλει να ξανακούσει από εμάς."),
    ("Дмитрий Смирнов", "Клиент переехал в Москву."),
    ("王伟", "东京转勤，合同取消。"),
    ("Søren Łukasiewicz", "Ønsker at høre fra os igen."),
)
# What people type, in two kinds: a word few deals hold (accented or not, other
# scripts; about 1 deal in 6,000), and a common last name (1 deal in 38).
RARE_TERMS = (
    "müller", "MULLER", "ÉLODIE", "lefevre", "παπαδοπ", "смирнов", "москву", "东京转勤", "soren",
)  # fmt: skip
COMMON_TERMS = ("nguyen", "garcia", "o'brien")


def search_database(folder: Path, source: Path, deals: int) -> Path:
    """A copy of the ``deals`` demo database with world names written in; built once."""
    from dft.core.search import deal_search_text

    path = folder / f"search-{deals}.sqlite3"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    shutil.copyfile(source, building)
    connection = sqlite3.connect(building)
    rows = [
        (name, notes, deal_search_text(name, None, notes), deal_id)
        for deal_id in range(1, deals + 1, 1000)
        for name, notes in [WORLD_NAMES[(deal_id // 1000) % len(WORLD_NAMES)]]
    ]
    with connection:  # the triggers keep the trigram index in step
        connection.executemany(
            "UPDATE deals SET client_name = ?, notes = ?, search_text = ? WHERE id = ?", rows
        )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    building.rename(path)
    return path


def bench_search(folder: Path, source: Path, deals: int, runs: int) -> list[Row]:
    """The window's text filter (ids in display order, then the first row read)
    against the same search in raw SQL on the same trigram index, per kind of term."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from dft.core.queries import DealFilter
    from dft.core.search import fold
    from dft.store.database import open_database
    from dft.store.location import sqlite_url
    from dft.ui.models.deals_table import DealsTableModel

    path = search_database(folder, source, deals)
    _app = QApplication.instance() or QApplication([])
    database = open_database(sqlite_url(path), daily_backup=False)
    model = DealsTableModel(database.read_sessions, today=lambda: TODAY)
    connection = sqlite3.connect(path)
    raw = (
        "SELECT id FROM deals WHERE deleted_at IS NULL AND id IN ("
        " SELECT rowid FROM deals_search WHERE deals_search MATCH :phrase"
        " UNION SELECT deal_id FROM follow_ups WHERE id IN"
        " (SELECT rowid FROM follow_ups_search WHERE follow_ups_search MATCH :phrase))"
        " ORDER BY fell_through_on DESC, id DESC"
    )

    def measured(kind: str, terms: tuple[str, ...]) -> Row:
        turns = len(terms) * max(2, runs // len(terms))
        mine_terms, base_terms = iter(terms * (runs + 3)), iter(terms * (runs + 3))
        found: dict[str, int] = {}
        baseline_found: dict[str, int] = {}

        def ours() -> None:
            term = next(mine_terms)
            model.set_filter(DealFilter(text=term, today=TODAY))
            model.data(model.index(0, 1))
            found[term] = model.rowCount()

        def baseline() -> None:
            term = next(base_terms)
            phrase = '"' + fold(term).replace('"', '""') + '"'
            ids = connection.execute(raw, {"phrase": phrase}).fetchall()
            if ids:
                connection.execute("SELECT * FROM deals WHERE id = ?", ids[0]).fetchall()
            baseline_found[term] = len(ids)

        for _term in terms:  # each term once first: both read warm pages, not the disk
            ours()
            baseline()
        mine, base = median_seconds(ours, turns), median_seconds(baseline, turns)
        assert found == baseline_found, (found, baseline_found)  # the same deals, or no figure
        return Row(f"text filter on {deals:,} deals, {kind}", fmt(mine), fmt(base),
                   mine / base, "median < 50 ms (goal 16 ms)", mine < 0.05)  # fmt: skip

    try:
        rows = [
            measured("a word in few deals, accented and non-Latin", RARE_TERMS),
            measured("a common last name", COMMON_TERMS),
        ]
    finally:
        connection.close()
        database.close()
    return rows
