"""Importing deals from CSV or XLSX: all or nothing, every problem named once with its rows.

Rows stream from the file and go to the database in batches of tuples
(bulk INSERT, exchange.writing), never as ORM objects, inside the caller's
transaction: one bad row anywhere means the caller rolls everything back.
Validation goes on past the first problem, and problems are grouped
(exchange.problems): one line per distinct problem with its value, how many
rows and the first row numbers, never thousands.

The modules, in the order an import uses them: plan (opening the file with its
remembered mapping, and ``plan_import`` for a person to decide), decisions
(each cause value decided once), rows (a row read into a deal row), writing
(skipping what is there, inserting, scheduling calls) and this one, which runs
them over the file. Only counts and file names are logged, never row data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.imported import ImportedRecords
from dft.exchange.chunks import ChunkReader
from dft.exchange.decisions import CauseDecisions
from dft.exchange.list_entries import ListEntries
from dft.exchange.mapping import CauseValue, Taxonomy
from dft.exchange.plan import ImportOptions, Progress, open_file
from dft.exchange.problems import (
    CAUSE_KINDS,
    ImportCancelled,
    ImportFailed,
    ProblemKind,
    RowProblems,
)
from dft.exchange.reading import Row
from dft.exchange.remembered import remember
from dft.exchange.rows import RowReader
from dft.exchange.values import DateOrder
from dft.exchange.writing import (
    CallPlan,
    DealKey,
    DealRow,
    already_present,
    deal_key,
    write_deals,
)

log = logging.getLogger(__name__)

# Deals written at a time: SQLite's INSERT ... SELECT (dft/core/dialects.py insert_many)
# costs a fifth more in batches of 2,000 than of 10,000 (the search index's segments).
BATCH_SIZE = 10_000
# Rows read at a time (column by column when they allow it), and how often progress
# is told and asked whether to go on.
CHUNK_SIZE = 200


@dataclass
class ImportResult:
    """What came in and where it went: for the summary after an import."""

    rows_read: int = 0
    added: int = 0
    already_present: int = 0
    causes_created: list[str] = field(default_factory=list)  # "Category/Cause"
    categories_created: list[str] = field(default_factory=list)  # not classified yet
    names_created: list[str] = field(default_factory=list)
    unused_columns: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's header
    values: tuple[CauseValue, ...] = ()  # each cause value, its rows and where it went
    calls_scheduled: int = 0  # follow-up calls of the recent deals
    win_back_calls: int = 0  # when win-back calls are on: recent deals with a controllable cause
    # Deals added that fell through more than history_days ago: no automatic call.
    without_calls: int = 0
    history_days: int = 0
    several_contacts: int = 0  # phone or e-mail cells holding more than one: the first kept
    encoding: str = ""
    date_order: DateOrder = DateOrder.MDY
    remembered_columns: bool = False  # the columns came from the last file with these headers
    ordered_dates: bool = False  # some dates were like 5/6/2024: their order was applied
    mapping_saved: bool = False  # kept for the next file with these headers
    records: ImportedRecords = field(default_factory=ImportedRecords)  # what Undo takes back


class RollBack(Exception):
    """Raise inside the caller's transaction to leave it without writing (dry runs, previews)."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("rolled back on purpose")
        self.result = result


def _chunks(rows: Iterator[Row], limit: int | None) -> Iterator[list[Row]]:
    """``rows`` CHUNK_SIZE at a time, the first ``limit`` only when given."""
    left = limit
    while left is None or left > 0:
        chunk = list(islice(rows, CHUNK_SIZE if left is None else min(CHUNK_SIZE, left)))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk


def import_file(
    session: Session,
    path: Path,
    options: ImportOptions | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> ImportResult:
    """Import ``path`` into the caller's transaction; raises ImportFailed if anything is wrong.

    On ImportFailed or ImportCancelled the caller must roll back (leaving its
    ``with session.begin():`` block by the exception does). ``limit`` reads only
    the first rows: a preview, to be rolled back too (and not remembered).
    """
    options = options or ImportOptions()
    today = today or date.today()
    opened = open_file(session, path, options)
    columns, table = opened.columns, opened.table
    try:
        taxonomy = Taxonomy(session)
        causes = CauseDecisions(
            taxonomy,
            options.causes,
            opened.remembered.values if opened.remembered else {},
            create=options.create_causes,
            required=settings.get_bool(session, settings.CAUSE_REQUIRED),
        )
        names = ListEntries(session)
        problems = RowProblems(columns)
        read_row = RowReader(columns, causes, names, problems, opened.date_order, today)
        read_chunk = ChunkReader(read_row)
        history_days = settings.get_int(session, settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS)
        calls = CallPlan(
            today=today,
            horizon=today - timedelta(days=history_days),
            follow_up_days=settings.get_int(session, settings.FOLLOW_UP_DAYS),
        )
        result = ImportResult(
            unused_columns=columns.unused,
            columns={f: columns.header_of(f) for f in columns.positions},
            history_days=history_days,
            encoding=table.encoding,
            date_order=opened.date_order,
            remembered_columns=opened.remembered_columns,
        )
        numbers_seen: dict[str, int] = {}
        keys_seen: set[DealKey] = set()
        batch: list[DealRow] = []

        def flush() -> None:
            present = already_present(session, batch)
            fresh = [r for r in batch if deal_key(r) not in present] if present else batch
            result.already_present += len(batch) - len(fresh)
            if fresh:
                written = write_deals(session, fresh, calls, read_row.same)
                result.records.add_deals(written.deal_ids)
                result.added += len(fresh)
                result.calls_scheduled += written.follow_ups
                result.win_back_calls += written.win_backs
                result.without_calls += len(fresh) - written.follow_ups
            batch.clear()

        def take(number: int, row: DealRow | None) -> None:
            """A row read: a contract number met before is a problem; the rest is batched."""
            if row is not None and row.contract_number:
                first = numbers_seen.setdefault(row.contract_number, number)
                if first != number:
                    problems.add(
                        number,
                        "contract_number",
                        f"contract number {row.contract_number} is also on row {first}",
                        ProblemKind.DUPLICATE,
                    )
                    row = None
            if row is not None and not problems.total:
                key = deal_key(row)
                if key in keys_seen:
                    result.already_present += 1
                else:
                    keys_seen.add(key)
                    batch.append(row)
                    if len(batch) >= BATCH_SIZE:
                        flush()

        def take_all(numbers: list[int], rows: list[DealRow]) -> None:
            """Rows read together: batched together when each is a new deal with a new
            contract number (or none), as take would; else taken one at a time."""
            keys = list(map(deal_key, rows))
            contract_numbers = [row.contract_number for row in rows if row.contract_number]
            if (
                problems.total
                or len(set(keys)) < len(keys)
                or not keys_seen.isdisjoint(keys)
                or len(set(contract_numbers)) < len(contract_numbers)
                or not numbers_seen.keys().isdisjoint(contract_numbers)
            ):
                for number, row in zip(numbers, rows, strict=True):
                    take(number, row)
                return
            numbers_seen.update(
                (row.contract_number, number)
                for number, row in zip(numbers, rows, strict=True)
                if row.contract_number
            )
            keys_seen.update(keys)
            while rows:
                room = BATCH_SIZE - len(batch)
                batch.extend(rows[:room])
                rows = rows[room:]
                if len(batch) >= BATCH_SIZE:
                    flush()

        for chunk in _chunks(table.rows, limit):
            rows = read_chunk(chunk)
            if rows is None:  # row by row: each read and taken in turn, problems in order
                for number, values in chunk:
                    result.rows_read += 1
                    take(number, read_row(number, values))
            else:
                result.rows_read += len(chunk)
                take_all([number for number, _values in chunk], rows)
            if (
                progress is not None
                and result.rows_read % CHUNK_SIZE == 0
                and progress(int(table.position()), table.size_hint) is False
            ):
                raise ImportCancelled("Import cancelled; nothing was imported.")
        result.values = causes.values()
        if problems.total:
            cause_groups = causes.problems(columns)
            # Cause values are reported once per value (cause_groups), not per field.
            other_groups = [
                g
                for g in problems.grouped()
                if g.field not in {"cause", "category"} or g.kind not in CAUSE_KINDS
            ]
            if limit is None:
                log.info(
                    "Import of %s refused: %d problems in its rows, %d distinct",
                    path,
                    problems.total,
                    len(cause_groups) + len(other_groups) + problems.more_groups,
                )
            raise ImportFailed(
                path,
                problems.rows,
                problems.total,
                cause_groups + other_groups,
                result.values,
                problems.more_groups,
            )
        if batch:
            flush()
        if progress is not None:
            progress(table.size_hint, table.size_hint)
        result.causes_created = taxonomy.created_causes
        result.categories_created = taxonomy.created_categories
        result.names_created = names.created
        result.records.cause_ids = taxonomy.created_cause_ids
        result.records.category_ids = taxonomy.created_category_ids
        result.records.entries = names.created_ids
        result.several_contacts = read_row.several_contacts
        result.ordered_dates = read_row.ordered_dates
        if options.remember and limit is None:
            result.mapping_saved = remember(
                session,
                opened.signature,
                columns.headers,
                columns.as_overrides(),
                opened.date_order,
                causes.cause_ids(),
            )
        if limit is None:
            log.info(
                "Import of %s: %d rows read, %d deals added, %d already present, "
                "%d categories, %d causes and %d names created, %d follow-up and %d win-back "
                "calls scheduled, %d history deals without calls "
                "(committed with the caller's transaction)",
                path,
                result.rows_read,
                result.added,
                result.already_present,
                len(result.categories_created),
                len(result.causes_created),
                len(result.names_created),
                result.calls_scheduled,
                result.win_back_calls,
                result.without_calls,
            )
        return result
    finally:
        table.close()
