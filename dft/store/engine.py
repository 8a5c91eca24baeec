"""Engines with the SQLite settings DFT Tracker relies on."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import ConnectionPoolEntry

# How long a writer waits for another instance's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 15
# Execution option marking connections that only read (see Database.read_sessions).
READ_ONLY = "dft_read_only"


def create_database_engine(url: URL, *, foreign_keys: bool = True) -> Engine:
    """An engine for ``url``. SQLite connections get foreign keys, WAL and FULL sync.

    ``foreign_keys=False`` is only for migrations, whose table rebuilds in batch
    mode must not trigger cascades; they check foreign keys before committing.
    """
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

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
        # A writer takes the write lock up front (IMMEDIATE), so two instances
        # queue on the busy timeout instead of one failing with "database is
        # locked" when it upgrades a stale read. Readers (see READ_ONLY) never wait.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
