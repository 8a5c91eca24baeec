"""Engines with the SQLite settings DFT Tracker relies on, speaking the app's own words
when SQLite says the file is busy or damaged."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.pool import ConnectionPoolEntry

from dft.store.errors import BUSY, DamagedDatabaseError, DatabaseBusyError, DatabaseError
from dft.store.integrity import is_damage
from dft.store.location import display_url

# How long a writer waits for another instance's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 15
# Execution option marking connections that only read (see Database.read_sessions).
READ_ONLY = "dft_read_only"
# SQLite's primary result codes (sqlite3.h) for a lock another connection holds, and
# for a write refused on a connection that may only read.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8


@dataclass
class DamageGuard:
    """Shared by an engine and its Database: once the file is known to be damaged
    (``damage`` says where), every connection only reads and a write raises ``refusal()``.

    ``found(where)`` is called when SQLite reports damage during use.
    """

    refusal: Callable[[str | None], DatabaseError]
    found: Callable[[str], None]
    damage: str | None = None

    def report(self, detail: str) -> DatabaseError:
        """Damage SQLite just reported: remembered from now on; the error to raise."""
        if self.damage is None:
            self.damage = f"SQLite reported it while reading ({detail})"
            self.found(self.damage)
        return self.refusal(self.damage)


def _sqlite_code(error: BaseException | None) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def create_database_engine(
    url: URL, *, foreign_keys: bool = True, guard: DamageGuard | None = None
) -> Engine:
    """An engine for ``url``. SQLite connections get foreign keys, WAL and FULL sync.

    ``foreign_keys=False`` is only for migrations, whose table rebuilds in batch
    mode must not trigger cascades; they check foreign keys before committing.
    With a ``guard``, a damaged file is only read (see :class:`DamageGuard`).
    """
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    location = display_url(url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # pysqlite's own transaction handling defers BEGIN and commits before
        # DDL; switch it off and let SQLAlchemy's begin event below decide.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL may lose the last commits on power loss; a save the
        # app reported as done must survive that, so FULL.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if guard is not None and guard.damage is not None:
            # A damaged file is read at most: SQLite itself refuses any write.
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.exec_driver_sql("BEGIN")
        # A writer takes the write lock up front (IMMEDIATE), so two instances
        # queue on the busy timeout instead of one failing with "database is
        # locked" when it upgrades a stale read. Readers (see READ_ONLY) never wait.
        elif connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _say_it_plainly(context: ExceptionContext) -> None:
        # SQLite's own words ("database is locked", "database disk image is
        # malformed") and the SQL around them are not for the user.
        error = context.original_exception
        code = _sqlite_code(error)
        if is_damage(error):
            if guard is not None:
                raise guard.report(str(error))
            raise DamagedDatabaseError(
                location, "the database is damaged — restore a backup (dft restore)."
            )
        if code == SQLITE_READONLY and guard is not None and guard.damage is not None:
            raise guard.refusal(guard.damage)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            raise DatabaseBusyError(location, BUSY)

    return engine
