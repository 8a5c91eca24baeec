"""What a database is and which schema it holds, read without writing anything: the file
checks of a SQLite file, and the schema revisions of the migrations shipped with the app."""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from dft.store.engine import create_database_engine
from dft.store.errors import (
    BUSY,
    DamagedDatabaseError,
    DatabaseBusyError,
    DatabaseError,
    NotADftDatabaseError,
    explain_connection_error,
)
from dft.store.integrity import open_for_reading
from dft.store.location import display_url, redact, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped with the app."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@functools.cache
def _revision_graph() -> dict[str, str | None]:
    """{revision: down_revision}, read from the migration files' own declarations.

    Reading two assignments is enough to recognise a database's schema version,
    and it spares the app importing Alembic (a large share of start-up) on the
    common path: an up-to-date database. A test checks it against Alembic.
    """
    graph: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision and down:
            graph[revision.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    """The newest schema revision this version knows."""
    graph = _revision_graph()
    parents = {down for down in graph.values() if down}
    heads = [revision for revision in graph if revision not in parents]
    assert len(heads) == 1, f"migrations must have one head, found {heads}"
    return heads[0]


def known_revisions() -> set[str]:
    """Every schema revision this version can open."""
    return set(_revision_graph())


@dataclass
class SchemaState:
    """Which tables a database has and its schema revision, read without changing it."""

    tables: frozenset[str]
    revision: str | None

    @property
    def empty(self) -> bool:
        """True for a database with no tables at all (a new one)."""
        return not self.tables


def require_regular_file(path: Path) -> None:
    """Refuse a device, folder or pipe before SQLite opens it (and writes files beside it)."""
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "a device, pipe or socket"
        raise DatabaseError(
            str(path), f"this is {kind}, not a database file; give the path of a database file."
        )


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database, reading it only."""
    location = str(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError as exc:
        raise DatabaseError(location, "cannot read the file (permission denied).") from exc
    except OSError as exc:
        raise DatabaseError(location, f"cannot read the file ({exc.strerror}).") from exc
    if not header:
        return  # an empty file is a new database
    if not header.startswith(SQLITE_MAGIC):
        raise NotADftDatabaseError(
            location, "this file is not a DFT Tracker database (it is not an SQLite file at all)."
        )
    if len(header) < 100:
        raise DamagedDatabaseError(location, "the database file is truncated (damaged).")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    # The page count in the header is only valid when its change counter matches.
    counter_valid = header[24:28] == header[92:96]
    if counter_valid and page_count and path.stat().st_size < page_size * page_count:
        raise DamagedDatabaseError(
            location,
            f"the database file is truncated (damaged): {path.stat().st_size} bytes "
            f"where {page_size * page_count} are expected. Restore a backup.",
        )


def _read_schema_state_sqlite(path: Path) -> SchemaState:
    location = str(path)
    require_regular_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(frozenset(), None)
    check_sqlite_file(path)
    try:
        connection = open_for_reading(path)
    except sqlite3.Error as exc:
        raise DatabaseError(location, f"cannot open the database ({exc}).") from exc
    try:
        tables = frozenset(
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        revision = None
        if VERSION_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
            revision = row[0] if row else None
        return SchemaState(tables, revision)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DatabaseBusyError(location, BUSY) from exc
        raise DamagedDatabaseError(location, f"the database cannot be read ({exc}).") from exc
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabaseError(
            location, f"the database is damaged or not a database ({exc}). Restore a backup."
        ) from exc
    finally:
        connection.close()


def _read_schema_state_server(url: URL) -> SchemaState:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            tables = frozenset(inspect(connection).get_table_names())
            revision = None
            if VERSION_TABLE in tables:
                revision = connection.execute(
                    text(f"SELECT version_num FROM {VERSION_TABLE}")
                ).scalar()
            return SchemaState(tables, revision)
    except DBAPIError as exc:
        explained = explain_connection_error(url, exc)
        if explained is not None:
            raise explained from exc
        raise DatabaseError(
            display_url(url), redact(f"cannot connect to the database ({exc.orig}).", url)
        ) from exc
    finally:
        engine.dispose()


def read_schema_state(url: URL) -> SchemaState:
    """The tables and schema revision of ``url``, read without writing anything."""
    path = sqlite_path(url)
    if path is not None:
        return _read_schema_state_sqlite(path)
    if url.get_backend_name() == "sqlite":  # in-memory: always new
        return SchemaState(frozenset(), None)
    return _read_schema_state_server(url)
