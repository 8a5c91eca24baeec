"""What can be wrong with a database, said for the person using it.

The store raises these; the command line prints them as one line and the
window shows them in a dialog. They never carry SQL or anyone's row data.
"""

from __future__ import annotations

from dft.core.errors import DftError

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
