"""The log file: unexpected errors with their tracebacks, and what backups, restores,
imports, copies and migrations did.

Every module logs to ``logging.getLogger(__name__)``, all under the ``dft``
logger; :func:`configure_logging` (called by the app and the command line)
sends that hierarchy to a rotating file in the platform's log folder. The
file can hold tracebacks, so it is created owner-only, and every line passes
through :class:`RedactingFormatter`, which masks any known database password.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import URL

from dft.store.location import redact, user_log_dir

LOG_FILE_NAME = "dft.log"
MAX_BYTES = 1_000_000
ROTATED_FILES = 3
OWNER_ONLY = 0o600

log = logging.getLogger(__name__)


def log_file() -> Path:
    """Where the log is written: ``dft.log`` in the user log folder (platformdirs)."""
    return user_log_dir() / LOG_FILE_NAME


class RedactingFormatter(logging.Formatter):
    """Log lines and tracebacks with every known database password masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.urls: list[URL] = []

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, passwords masked."""
        return self.scrub(super().format(record))

    def scrub(self, text: str) -> str:
        """``text`` with PGPASSWORD and the password of every URL registered here masked."""
        text = redact(text)
        for url in self.urls:
            text = redact(text, url)
        return text


_formatter = RedactingFormatter()


def keep_out_of_logs(url: URL) -> None:
    """Whatever is logged (or scrubbed) from now on never shows ``url``'s password."""
    if url.password and url not in _formatter.urls:
        _formatter.urls.append(url)


def scrub(text: str) -> str:
    """``text`` fit to show a user or write down: no known password in it."""
    return _formatter.scrub(text)


class OwnerOnlyRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose file and rotated siblings only their owner can read."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
        # A file left by an older version may be 0644; the next line may hold a traceback.
        os.chmod(self.baseFilename, OWNER_ONLY)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def configure_logging() -> Path:
    """Send the ``dft`` loggers to :func:`log_file`, rotated, owner-only; returns its path.

    One log file per process: calling it again (another user folder, in tests)
    replaces the handler it added before.
    """
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)  # an older version made it 0755
    for number in range(1, ROTATED_FILES + 1):  # the current file: see _open
        rotated = path.with_name(f"{path.name}.{number}")
        if rotated.exists():
            rotated.chmod(OWNER_ONLY)
    handler = OwnerOnlyRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=ROTATED_FILES, encoding="utf-8"
    )
    handler.setFormatter(_formatter)
    top = logging.getLogger("dft")
    for old in [h for h in top.handlers if isinstance(h, OwnerOnlyRotatingFileHandler)]:
        top.removeHandler(old)
        old.close()
    top.addHandler(handler)
    top.setLevel(logging.INFO)
    return path


def log_unexpected_error(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """The full traceback of an error nobody expected, for the log file only."""
    log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
