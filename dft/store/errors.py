"""What can be wrong with a database, said for the person using it.

The store raises these, and turns the drivers' own errors into them
(:func:`explain_connection_error`, :func:`explain_operational_error`); the
command line prints them as one line and the window shows them in a dialog.
They never carry SQL or anyone's row data.
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from dft.core.errors import DftError
from dft.store.location import display_url, redact

# A writer waited the whole busy timeout for another program's transaction.
BUSY = (
    "the database is busy: another program is writing to it (an import, say) — "
    "try again in a moment."
)


class DatabaseError(DftError):
    """The database cannot be used; the message says what is wrong and where."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class NotADftDatabaseError(DatabaseError):
    """The file or server database is not a DFT Tracker database."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer version of DFT Tracker."""


class DamagedDatabaseError(DatabaseError):
    """The database file is damaged: it is read at most, and a backup must be restored."""


class DatabaseBusyError(DatabaseError):
    """Another program held the write lock for longer than a writer waits."""


class ConnectionLostError(DatabaseError):
    """The database server cannot be reached (now); the same action may work on retry."""


class PasswordRefusedError(DatabaseError):
    """The server wants a (different) password for this user."""


# How libpq/psycopg word a server that is gone, restarting or unreachable.
_CONNECTION_TROUBLE = (
    "connection failed",
    "could not connect",
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection is lost",
    "the connection is closed",
    "consuming input failed",
    "no connection to the server",
    "could not receive data",
    "could not send data",
    "timeout expired",
    "ssl syscall error",
    "the database system is starting up",
    "the database system is shutting down",
)


def _server_name(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def explain_connection_error(url: URL, error: DBAPIError) -> DatabaseError | None:
    """A server database's connection failure said plainly (``None``: not one).

    Never quotes the URL's password; the messages name the server, not the URL.
    """
    if url.get_backend_name() == "sqlite":
        return None
    detail = str(error.orig).lower()
    location = display_url(url)
    if "password authentication failed" in detail or "no password supplied" in detail:
        return PasswordRefusedError(
            location,
            f"the server at {_server_name(url)} refused the password for user "
            f"'{url.username}'. Check the password (in the URL, PGPASSWORD or ~/.pgpass).",
        )
    if "does not exist" in detail and "database" in detail:
        return DatabaseError(
            location,
            f"there is no database '{url.database}' on {_server_name(url)}; check the name, "
            "or ask whoever runs the server to create it.",
        )
    if error.connection_invalidated or any(m in detail for m in _CONNECTION_TROUBLE):
        return ConnectionLostError(
            location,
            f"cannot reach the database server at {_server_name(url)} (the connection "
            "was lost or refused); check the network or ask whoever runs the server, "
            "then try again.",
        )
    return None


def explain_operational_error(
    location: str, error: OperationalError, url: URL | None = None
) -> DatabaseError:
    """Terse database errors, said so a user knows what happened and that nothing was
    half-saved. With the ``url`` of a server database, a lost connection is recognised."""
    if url is not None:
        explained = explain_connection_error(url, error)
        if explained is not None:
            return explained
    text = str(error.orig).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseError(location, "the disk is full; nothing of this change was saved.")
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(location, BUSY)
    if "readonly" in text or "read-only" in text:
        return DatabaseError(location, "the database is read-only; nothing was saved.")
    # The driver's first line only: what follows (DETAIL, CONTEXT) can quote rows.
    said = str(error.orig).split("\n", 1)[0]
    return DatabaseError(location, redact(f"the database refused the change ({said}).", url))
