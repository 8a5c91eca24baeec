"""Copying a whole database to another (SQLite <-> PostgreSQL), verified row for row.

Every table is streamed in primary-key order into the target inside one
transaction. Before that transaction commits, each target table is read back
and its row count and checksum compared with the source's; any difference
rolls the whole copy back, so the target is either an exact copy or unchanged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Row, String, Table, delete, func, insert, or_, select
from sqlalchemy.engine import URL

from dft.core.dialects import continue_id_sequences, holds_nul, snapshot_options
from dft.core.models import Base
from dft.core.queries import AnySelect
from dft.store.database import Database, DatabaseError, open_database
from dft.store.engine import READ_ONLY
from dft.store.location import display_url, sqlite_path
from dft.store.schema import SchemaState, read_schema_state

log = logging.getLogger(__name__)

BATCH_ROWS = 5_000
# Values a server would refuse are listed up to this many, then counted.
REFUSED_LISTED = 20
# A new database is seeded with the default causes and lead sources; a target
# holding only those is empty for the purpose of "does it hold data".
SEEDED_TABLES = frozenset({"categories", "causes", "lead_sources", "settings"})


class CopyError(DatabaseError):
    """A copy refused or undone; the message says why."""

    pass


@dataclass(frozen=True)
class TableCheck:
    """One table's row count and checksum."""

    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class CopyReport:
    """What a verified copy moved, table by table."""

    source: str
    target: str
    tables: tuple[TableCheck, ...]
    replaced: bool

    def rows(self, table: str) -> int:
        """How many rows of ``table`` were copied."""
        return next(check.rows for check in self.tables if check.table == table)


def _tables() -> list[Table]:
    """Parents before children, so every foreign key finds its row."""
    return list(Base.metadata.sorted_tables)


def _canonical(value: object) -> str:
    """One spelling per value whichever database it came from."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, Decimal):
        return f"d{value.normalize()}"
    if isinstance(value, datetime):
        return f"t{value.replace(tzinfo=None).isoformat()}"
    if isinstance(value, date):
        return f"D{value.isoformat()}"
    return f"s{value}"


class _Checksum:
    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self._hash.update("\x1f".join(_canonical(v) for v in row).encode("utf-8"))
            self._hash.update(b"\x1e")
            self.rows += 1

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _ordered(table: Table) -> AnySelect:
    return select(table).order_by(*table.primary_key.columns)


def _batches(connection: Connection, table: Table) -> Iterator[Sequence[Row[*tuple[Any, ...]]]]:
    result = connection.execute(_ordered(table), execution_options={"yield_per": BATCH_ROWS})
    yield from result.partitions()


def table_checksums(
    connection: Connection, only: frozenset[str] | None = None
) -> tuple[TableCheck, ...]:
    """Row count and checksum of every table of the schema (or those named in ``only``),
    as ``connection`` sees them."""
    checks = []
    for table in _tables():
        if only is not None and table.name not in only:
            continue
        checksum = _Checksum()
        for batch in _batches(connection, table):
            checksum.add(batch)
        checks.append(TableCheck(table.name, checksum.rows, checksum.hexdigest))
    return tuple(checks)


def _fresh_seed_checksums() -> dict[str, str]:
    """What the seeded tables of a brand-new database hold (an in-memory one, made now)."""
    fresh = open_database(URL.create("sqlite+pysqlite", database=":memory:"), daily_backup=False)
    try:
        with fresh.engine.connect() as connection:
            return {c.table: c.checksum for c in table_checksums(connection, SEEDED_TABLES)}
    finally:
        fresh.close()


def _what_it_holds(connection: Connection) -> list[str]:
    """The target's own data, said in words ("12 deals", "its own causes"); empty if none."""
    held = []
    for table in _tables():
        if table.name in SEEDED_TABLES:
            continue
        rows = int(connection.scalar(select(func.count()).select_from(table)) or 0)
        if rows:
            held.append(f"{rows:,} rows in {table.name}")
    seeded = {c.table: c.checksum for c in table_checksums(connection, SEEDED_TABLES)}
    changed = [name for name, value in _fresh_seed_checksums().items() if seeded[name] != value]
    if changed:
        held.append(f"its own {', '.join(sorted(changed))}")
    return held


def _same_database(first: URL, second: URL) -> bool:
    first_path, second_path = sqlite_path(first), sqlite_path(second)
    if first_path is not None or second_path is not None:
        return first_path == second_path
    keys = ("host", "port", "database")
    return all(getattr(first, key) == getattr(second, key) for key in keys)


def _open_source(url: URL) -> Database:
    location = display_url(url)
    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        raise CopyError(location, "there is no database here to copy from.")
    state: SchemaState = read_schema_state(url)
    if state.empty:
        raise CopyError(location, "this database is empty; there is nothing to copy.")
    return open_database(url, daily_backup=False)


def _snapshot_connection(database: Database) -> Connection:
    """A connection whose transaction sees one moment of the database throughout
    (and, on SQLite, never takes the write lock)."""
    options = {READ_ONLY: True, **snapshot_options(database.engine.dialect.name)}
    return database.engine.connect().execution_options(**options)


@dataclass(frozen=True)
class RefusedValue:
    """A value a database server would refuse: where it is and what is wrong with it
    (never the value itself, nor anything else of its row)."""

    table: str
    row: str
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}, {self.column}: {self.problem}"


def values_a_server_refuses(connection: Connection) -> list[RefusedValue]:
    """Text PostgreSQL would refuse, in every table: longer than its column (SQLite
    stores any length) or holding a NUL character (PostgreSQL text cannot)."""
    found = []
    for table in _tables():
        texts = [column for column in table.columns if isinstance(column.type, String)]
        if not texts:
            continue
        limits = {column.name: _length(column) for column in texts}
        suspicious = [holds_nul(column) for column in texts] + [
            func.length(column) > limits[column.name] for column in texts if limits[column.name]
        ]
        keys = list(table.primary_key.columns)
        query = select(*keys, *texts).where(or_(*suspicious)).order_by(*keys)
        for row in connection.execute(query):
            values = row._mapping
            where = (
                f"#{values[keys[0].name]}"
                if len(keys) == 1
                else "(" + ", ".join(f"{key.name} {values[key.name]}" for key in keys) + ")"
            )
            for column in texts:
                problem = _refused(values[column.name], limits[column.name])
                if problem is not None:
                    found.append(RefusedValue(table.name, where, column.name, problem))
    return found


def _length(column: Column[Any]) -> int | None:
    return column.type.length if isinstance(column.type, String) else None


def _refused(value: object, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "holds a NUL character (U+0000), which PostgreSQL cannot store"
    if limit is not None and len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} fit"
    return None


def _refusals_said(refused: list[RefusedValue]) -> str:
    listed = [f"  {value}" for value in refused[:REFUSED_LISTED]]
    if len(refused) > REFUSED_LISTED:
        listed.append(f"  … and {len(refused) - REFUSED_LISTED:,} more")
    count = f"{len(refused):,} value{'s' if len(refused) != 1 else ''}"
    return (
        f"it holds {count} a database server would refuse, so nothing was copied. "
        "Correct them here first (for a deal: edit it in the window):\n" + "\n".join(listed)
    )


def _check_for_a_server(source: Database) -> None:
    """Refuse, before anything is written, a copy that PostgreSQL would stop half-way."""
    with _snapshot_connection(source) as reading, reading.begin():
        refused = values_a_server_refuses(reading)
    if refused:
        log.info("Copy from %s refused: %d values a server would refuse", source.location,
                 len(refused))  # fmt: skip
        raise CopyError(source.location, _refusals_said(refused))


def copy_database(
    source_url: URL,
    target_url: URL,
    *,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy everything in ``source_url`` to ``target_url`` exactly, or change nothing.

    A target that holds data of its own is refused unless ``force``, which
    replaces it. Copying to a server, text the server would refuse (see
    :func:`values_a_server_refuses`) is listed and nothing is written, rather
    than failing half-way. ``progress(table, rows copied so far)`` is called per batch.
    """
    if _same_database(source_url, target_url):
        raise CopyError(display_url(target_url), "the source and the target are the same.")
    source = _open_source(source_url)
    try:
        if target_url.get_backend_name() != "sqlite":
            _check_for_a_server(source)
        target = open_database(target_url, daily_backup=False)
    except BaseException:
        source.close()
        raise
    try:
        # One snapshot of the source for the whole copy, even while others write to it.
        with (
            _snapshot_connection(source) as reading,
            reading.begin(),
            target.engine.begin() as writing,
        ):
            held = _what_it_holds(writing)
            if held and not force:
                raise CopyError(
                    target.location,
                    f"the target already holds data ({'; '.join(held)}). Nothing was copied; "
                    "copy with --force to replace it.",
                )
            for table in reversed(_tables()):
                writing.execute(delete(table))
            copied = []
            for table in _tables():
                checksum = _Checksum()
                for batch in _batches(reading, table):
                    writing.execute(insert(table), [row._asdict() for row in batch])
                    checksum.add(batch)
                    if progress is not None:
                        progress(table.name, checksum.rows)
                copied.append(TableCheck(table.name, checksum.rows, checksum.hexdigest))
            continue_id_sequences(writing, _tables())
            landed = table_checksums(writing)
            differing = [
                f"{mine.table} ({mine.rows} rows copied, {theirs.rows} read back)"
                for mine, theirs in zip(copied, landed, strict=True)
                if mine != theirs
            ]
            if differing:
                raise CopyError(
                    target.location,
                    "the copy did not read back identical, so nothing was kept: "
                    + ", ".join(differing),
                )
        log.info(
            "Copied %s to %s: %d rows in %d tables, verified by count and checksum%s",
            source.location,
            target.location,
            sum(check.rows for check in copied),
            len(copied),
            " (the target's own data replaced)" if held else "",
        )
        return CopyReport(source.location, target.location, tuple(copied), replaced=bool(held))
    finally:
        source.close()
        target.close()
