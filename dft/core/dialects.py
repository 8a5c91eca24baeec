"""SQL that SQLite and PostgreSQL spell differently, written once for both.

Every other query is portable SQLAlchemy; wherever the two databases need
different SQL (the text search index and its lookups, whole days between dates, partial
indexes, id sequences, snapshot reads, deferred constraint checks, finding a NUL) the
difference lives here, and the rest of the code asks this module. Migrations
keep the literal SQL they ran with; the SQLite connection settings (PRAGMAs
on connect) belong to the engine, dft/store/engine.py.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

log = logging.getLogger(__name__)

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


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


# Where a partial index keeps its condition for PostgreSQL (Index.info).
WHERE = "partial_index_where"


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows matching ``where`` only, on both databases."""
    condition = text(where)
    # PostgreSQL's condition is given as the index is created there: naming
    # postgresql_where here would load SQLAlchemy's PostgreSQL dialect in every
    # process that imports the models, 40 ms of each start on SQLite too.
    return Index(name, *columns, unique=unique, sqlite_where=condition, info={WHERE: condition})


@event.listens_for(Index, "before_create")
def _where_on_postgresql(index: Index, connection: Connection, **_kw: Any) -> None:
    condition = index.info.get(WHERE)
    if condition is not None and connection.dialect.name == POSTGRESQL:
        index.dialect_options[POSTGRESQL]["where"] = condition


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


# -- Text search ---------------------------------------------------------------------
# Each searched table keeps its folded text in ``search_text`` (dft/core/search.py).
# SQLite indexes it in an FTS5 table of trigrams that reads the text from the table
# itself (external content), kept in step by triggers, so every writer, the app's or
# not, keeps the index right. PostgreSQL indexes it with pg_trgm's GIN operator class;
# where the extension cannot be created the search still works, by scanning.
SEARCHED_TABLES = ("deals", "follow_ups")
NO_TRIGRAMS = (
    "The PostgreSQL server does not offer the pg_trgm extension: "
    "text searches read every deal instead of an index."
)


def search_index_name(table: str) -> str:
    """The FTS5 table (SQLite) or trigram index (PostgreSQL) over ``table.search_text``."""
    return f"{table}_search"


def is_search_index(name: str) -> bool:
    """Whether a table or index by this name belongs to the text search (not to the models)."""
    return any(
        name == search_index_name(t)
        or name.startswith(f"{search_index_name(t)}_")
        or name == f"ix_{t}_search_text_trgm"
        for t in SEARCHED_TABLES
    )


def _sqlite_search_ddl(table: str) -> list[str]:
    fts = search_index_name(table)
    forget = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    )
    learn = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}',"
        f" content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table}"
        f" BEGIN {forget} {learn} END",
    ]


def create_search_indexes(connection: Connection) -> bool:
    """Index ``search_text`` of the searched tables; False when PostgreSQL lacks pg_trgm.

    Rows already in the tables are indexed too (a migration adds the index to a full
    database).
    """
    if connection.dialect.name == SQLITE:
        for table in SEARCHED_TABLES:
            for statement in _sqlite_search_ddl(table):
                connection.exec_driver_sql(statement)
            fts = search_index_name(table)
            connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        return True
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        # Not installed on the server, or not ours to create: searches scan instead.
        log.warning(NO_TRIGRAMS)
        return False
    for table in SEARCHED_TABLES:
        connection.exec_driver_sql(
            f"CREATE INDEX ix_{table}_search_text_trgm ON {table}"
            " USING gin (search_text gin_trgm_ops)"
        )
    return True


class deal_text_matches(FunctionElement[bool]):
    """The deal (``Deal.id``), or one of its calls, has a folded term of three characters
    or more in its ``search_text``, looked up in the trigram indexes:
    ``deal_text_matches(Deal.id, phrase, pattern)`` with the term as an FTS5 phrase
    (SQLite) and as a LIKE pattern (PostgreSQL)."""

    type = Boolean()
    inherit_cache = True
    name = "deal_text_matches"
    # A condition as it stands: without this SQLite would get "(...) = 1", which hides
    # the rowid lookups from its planner (a scan of every deal instead).
    _is_implicitly_boolean = True


def _in_sqlite_text_lists(
    element: deal_text_matches, compiler: SQLCompiler, deal_id_prefix: str, **kw: Any
) -> str:
    deal_id, phrase, _pattern = (compiler.process(c, **kw) for c in element.clauses)
    deal_id = deal_id_prefix + deal_id
    # Two rowid lists joined by OR (SQLite's MULTI-INDEX OR): a UNION in a subquery
    # would look every matching deal up twice. The FTS5 trigram tokenizer finds a
    # quoted phrase anywhere in the text.
    return (
        f"({deal_id} IN (SELECT rowid FROM deals_search WHERE deals_search MATCH {phrase})"
        f" OR {deal_id} IN (SELECT deal_id FROM follow_ups WHERE id IN"
        f" (SELECT rowid FROM follow_ups_search WHERE follow_ups_search MATCH {phrase})))"
    )


@compiles(deal_text_matches, SQLITE)
def _deal_text_sqlite(element: deal_text_matches, compiler: SQLCompiler, **kw: Any) -> str:
    return _in_sqlite_text_lists(element, compiler, "", **kw)


@compiles(deal_text_matches)
def _deal_text_default(element: deal_text_matches, compiler: SQLCompiler, **kw: Any) -> str:
    deal_id, _phrase, pattern = (compiler.process(c, **kw) for c in element.clauses)
    # pg_trgm's GIN indexes answer LIKE '%...%' (the text is folded already); a UNION,
    # because an OR with a subquery would make PostgreSQL read every deal.
    return (
        f"{deal_id} IN (SELECT id FROM deals WHERE search_text LIKE {pattern} ESCAPE '\\'"
        f" UNION SELECT deal_id FROM follow_ups WHERE search_text LIKE {pattern} ESCAPE '\\')"
    )


class deal_text_probed(deal_text_matches):
    """:class:`deal_text_matches` tested deal by deal (SQLite): for a term many deals
    hold, walking the deals in display order and testing each against the matches
    finds a page sooner than looking every match up and sorting them all."""

    inherit_cache = True
    name = "deal_text_probed"


@compiles(deal_text_probed, SQLITE)
def _deal_text_probed_sqlite(element: deal_text_probed, compiler: SQLCompiler, **kw: Any) -> str:
    # The unary + keeps the planner from answering the lists by rowid lookups: it
    # reads the index the ORDER BY follows and tests each deal against both lists.
    return _in_sqlite_text_lists(element, compiler, "+", **kw)


compiles(deal_text_probed)(_deal_text_default)  # PostgreSQL's planner picks its own way

# Live deals holding a phrase, or with a call that does: the matches' ids come from
# the trigram indexes and the trashed ones from the trash's small index, so not one
# deal is read (a common name on 1,000,000 deals: 7 ms instead of 35).
_COUNT_LIVE_TEXT_MATCHES_SQLITE = text(
    "SELECT count(*) FROM ("
    " SELECT rowid AS id FROM deals_search WHERE deals_search MATCH :phrase"
    " UNION SELECT deal_id FROM follow_ups WHERE id IN"
    "  (SELECT rowid FROM follow_ups_search WHERE follow_ups_search MATCH :phrase))"
    " WHERE id NOT IN (SELECT id FROM deals WHERE deleted_at IS NOT NULL)"
)


def count_live_text_matches(session: Session, phrase: str) -> int | None:
    """How many live deals hold ``phrase`` (an FTS5 phrase), or have a call that does,
    counted without reading the deals (SQLite); None where the caller's own count is
    as quick (PostgreSQL)."""
    if session.get_bind().dialect.name != SQLITE:
        return None
    return int(session.execute(_COUNT_LIVE_TEXT_MATCHES_SQLITE, {"phrase": phrase}).scalar_one())


@functools.lru_cache(maxsize=64)
def _compiled_insert(
    table: Table, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[int] | None, list[str] | None]:
    """The INSERT of ``keys`` into ``table`` for the driver, and how to hand it a row:
    reordered by the positions (None: as given) or as a dict of these names."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    if not compiled.positional:
        return compiled.string, None, [compiled.bind_names[compiled.binds[k]] for k in keys]
    order = [keys.index(name) for name in compiled.positiontup or ()]
    return compiled.string, None if order == list(range(len(keys))) else order, None


@functools.lru_cache(maxsize=64)
def _staging_table(table: Table, keys: tuple[str, ...]) -> Table:
    """The temporary table ``insert_many`` stages rows of ``table`` in, one per shape
    (so its statements compile once, not once per batch)."""
    return Table(
        f"bulk_{table.name}",
        MetaData(),
        *(Column(key, table.c[key].type) for key in keys),
        prefixes=["TEMPORARY"],
    )


def insert_many(
    connection: Connection,
    table: Table,
    keys: list[str],
    values: Sequence[Sequence[Any]],
    same: dict[str, Any] | None = None,
) -> None:
    """One executemany of ``values`` (each in ``keys`` order, converted for the driver
    already) into ``table``; the columns in ``same`` take one value in every row (given
    as they are in Python: converted here, once).

    On SQLite a table that feeds a search index is written through a temporary table
    and one INSERT ... SELECT: FTS5 writes its pending index out at the end of every
    statement, so an executemany made a tiny index segment per row (and merged them),
    5 times slower than one segment per batch. The columns in ``same`` are then bound
    once in that SELECT instead of being staged with every row.
    """
    same = same or {}
    staged = connection.dialect.name == SQLITE and table.name in SEARCHED_TABLES
    if staged:
        target = _staging_table(table, tuple(keys))
        target.create(connection)
    else:
        target = table
        if same:
            dialect = connection.dialect
            constants = []
            for key, value in same.items():
                processor = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
                constants.append(value if processor is None else processor(value))
            keys = [*keys, *same]
            values = [(*row, *constants) for row in values]
    statement, order, names = _compiled_insert(target, tuple(keys), connection.dialect)
    parameters: Sequence[Any]
    if names is not None:
        parameters = [dict(zip(names, row, strict=True)) for row in values]
    elif order is None:
        parameters = list(values)  # in the statement's order already (a staging table)
    else:
        parameters = [tuple(row[i] for i in order) for row in values]
    connection.exec_driver_sql(statement, parameters)
    if staged:
        once = [literal(value, table.c[key].type).label(key) for key, value in same.items()]
        connection.execute(
            insert(table).from_select(
                [*keys, *same], select(*target.c, *once), include_defaults=False
            )
        )
        target.drop(connection)
