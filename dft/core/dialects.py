"""SQL that SQLite and PostgreSQL spell differently, written once for both.

Every other query is portable SQLAlchemy; wherever the two databases need
different SQL (matching text without case, whole days between dates, partial
indexes, id sequences, snapshot reads, deferred constraint checks, finding a NUL) the
difference lives here, and the rest of the code asks this module. Migrations
keep the literal SQL they ran with; the SQLite connection settings (PRAGMAs
on connect) belong to the engine, dft/store/engine.py.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Connection,
    Index,
    Integer,
    String,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


class contains_text(FunctionElement[bool]):
    """``column`` contains ``pattern`` (a LIKE pattern with ``\\`` as escape), ignoring case."""

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(contains_text, SQLITE)
def _contains_sqlite(element: contains_text, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's LIKE already ignores (ASCII) case; lower() on both sides would
    # only double the work.
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(contains_text)
def _contains_default(element: contains_text, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} ILIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


class month_of(FunctionElement[str]):
    """A date's month as ``YYYY-MM`` text, to group by."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, SQLITE)
def _month_sqlite(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text: the month is its first seven characters.
    (day,) = list(element.clauses)
    return f"substr({compiler.process(day, **kw)}, 1, 7)"


@compiles(month_of)
def _month_default(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"to_char({compiler.process(day, **kw)}, 'YYYY-MM')"


class days_between(FunctionElement[int]):
    """Whole days from the second date (or timestamp) to the first."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, SQLITE)
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday(date({compiler.process(later, **kw)})) - "
        f"julianday(date({compiler.process(earlier, **kw)})) AS INTEGER)"
    )


@compiles(days_between)
def _days_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"(CAST({compiler.process(later, **kw)} AS DATE) - "
        f"CAST({compiler.process(earlier, **kw)} AS DATE))"
    )


class holds_nul(FunctionElement[bool]):
    """``column`` holds a NUL character (U+0000)."""

    type = Boolean()
    inherit_cache = True
    name = "holds_nul"


@compiles(holds_nul, SQLITE)
def _holds_nul_sqlite(element: holds_nul, compiler: SQLCompiler, **kw: Any) -> str:
    # LIKE would match every row here; instr() sees past a NUL (length() does not).
    (column,) = list(element.clauses)
    return f"instr({compiler.process(column, **kw)}, char(0)) > 0"


@compiles(holds_nul)
def _holds_nul_default(element: holds_nul, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL text cannot hold a NUL at all (and chr(0) is an error there).
    return "false"


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows matching ``where`` only, on both databases."""
    condition = text(where)
    return Index(name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition)


def reserve_ids(session: Session, model: type[DeclarativeBase], count: int) -> list[int]:
    """``count`` ids no other row has or will get, for rows inserted with explicit ids.

    On SQLite a writer holds the database's write lock (BEGIN IMMEDIATE), so the
    ids after the highest are free. On PostgreSQL others write at the same
    time, and rows inserted with explicit ids would leave the id sequence
    behind, so the ids are drawn from the sequence itself.
    """
    if count <= 0:
        return []
    table = cast(Table, model.__table__)
    if session.get_bind().dialect.name == POSTGRESQL:
        sequence = select(func.pg_get_serial_sequence(table.name, "id")).scalar_subquery()
        return list(
            session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            )
        )
    first = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return list(range(first, first + count))


def continue_id_sequences(connection: Connection, tables: list[Table]) -> None:
    """After rows written with explicit ids, new rows must get ids past them.

    SQLite picks the next rowid itself; PostgreSQL's sequences must be moved on.
    """
    if connection.dialect.name != POSTGRESQL:
        return
    for table in tables:
        if table.autoincrement_column is None:
            continue
        column = table.autoincrement_column.name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {table.name}), 0) + 1, false)"
            )
        )


def snapshot_options(dialect_name: str) -> dict[str, str]:
    """Execution options under which one transaction reads one moment throughout.

    SQLite's WAL read transactions do that by themselves; PostgreSQL's
    default, READ COMMITTED, would not.
    """
    return {"isolation_level": "REPEATABLE READ"} if dialect_name == POSTGRESQL else {}


def broken_references(connection: Connection) -> int:
    """Rows whose foreign keys point nowhere, checked before a migration commits.

    SQLite lets a migration rebuild tables with foreign keys off, so they are
    counted here; PostgreSQL never lets such a row in.
    """
    if connection.dialect.name != SQLITE:
        return 0
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def unvalidated_constraints(connection: Connection) -> list[tuple[str, str]]:
    """(name, kind) of every constraint added NOT VALID: rows may break it.

    Only PostgreSQL has such constraints; ``kind`` is ``"f"`` for a foreign key.
    """
    if connection.dialect.name != POSTGRESQL:
        return []
    return [
        (str(row.conname), str(row.contype))
        for row in connection.execute(
            text(
                "SELECT conname, contype FROM pg_constraint c"
                " JOIN pg_namespace n ON n.oid = c.connamespace"
                " WHERE n.nspname = current_schema() AND NOT c.convalidated"
            )
        )
    ]
