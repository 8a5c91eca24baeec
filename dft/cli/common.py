"""What every command shares: exit codes, usage errors, the database, tables and JSON,
and the one place that turns an error into a one-line message and an exit code.

Commands import this module, never the reverse. It imports no SQLAlchemy and none of
the app's services at module level, so ``dft --help`` and ``dft --version`` stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session

    from dft.store.database import Database

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]

# An unexpected error's text may carry SQL, parameters or other people's rows: the user
# gets this sentence, the log gets the traceback.
UNEXPECTED_ERROR = (
    "an unexpected error stopped the command; the details are in {log} "
    "(set DFT_DEBUG=1 to see them here)."
)


class UsageError(Exception):
    """A flag value the user must correct; printed as one line, exit code 2."""


# -- The database ----------------------------------------------------------------


def database_url(args: argparse.Namespace) -> URL:
    """The database the user chose: ``--db``, else ``DFT_DATABASE``, else the default file."""
    from dft.store.location import resolve_database_url

    return resolve_database_url(getattr(args, "db", None))


def _database_url_or_none(args: argparse.Namespace) -> URL | None:
    try:
        return database_url(args)
    except Exception:  # a malformed --db: nothing more to say about it here
        return None


def open_database(args: argparse.Namespace) -> Database:
    """Open (creating or upgrading) the chosen database; its warnings go to stderr."""
    from dft.core.startup import started
    from dft.store.database import open_database as open_store
    from dft.store.logs import configure_logging

    # What opening does (upgrades, backups, checks) and what the command does is logged.
    configure_logging()
    database = open_store(database_url(args))
    started()  # what the command needs is imported and open
    for warning in database.warnings:
        _warned.add(warning)
        print(f"dft: warning: {warning}", file=sys.stderr)
    return database


# Warnings already printed: a command refused for the same reason does not say it twice.
_warned: set[str] = set()


def in_transaction(args: argparse.Namespace, work: Callable[[Session], int]) -> int:
    """Run ``work`` in one transaction on the chosen database, then close it."""
    database = open_database(args)
    try:
        with database.sessions.begin() as session:
            return work(session)
    finally:
        database.close()


def reading(args: argparse.Namespace, work: Callable[[Session], int]) -> int:
    """Run ``work``, which only reads, on one consistent snapshot of the chosen database.

    A reader never takes the write lock, so it answers at once while another
    program imports, and works on a damaged database opened read-only.
    """
    database = open_database(args)
    try:
        with database.read_sessions.begin() as session:
            return work(session)
    finally:
        database.close()


# -- Output ----------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def print_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON; dates as ISO strings."""
    import json

    print(json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """A plain-text table; the columns numbered in ``right`` are right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


# -- Failures --------------------------------------------------------------------


def run_command(handler: Handler, args: argparse.Namespace) -> int:
    """Run one command; whatever goes wrong becomes one line on stderr and an exit code."""
    from dft.core.errors import DftError, ValidationError

    prefix = f"dft {args.command}"
    try:
        code = handler(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except (UsageError, ValidationError) as exc:
        print(f"{prefix}: error: {exc}{_create_names_hint(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except DftError as exc:
        if not any(str(exc) in warning for warning in _warned):
            print(f"{prefix}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted; nothing was saved.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`dft list | head`): nothing to say. What is left
        # to print goes nowhere, so the flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:
        if _is_operational_error(exc):
            print(f"{prefix}: {_explain_operational_error(args, exc)}", file=sys.stderr)
            return EXIT_FAILURE
        if os.environ.get("DFT_DEBUG"):
            raise
        if _is_refusal(exc):
            # The driver's text quotes the SQL and every parameter: the log file has it.
            _log_traceback(args.command)
            print(f"{prefix}: {_explain_refusal(args, exc)}", file=sys.stderr)
            return EXIT_FAILURE
        log = _log_traceback(args.command)
        print(f"{prefix}: {UNEXPECTED_ERROR.format(log=log)}", file=sys.stderr)
        return EXIT_FAILURE


def _create_names_hint(exc: Exception) -> str:
    from dft.core.errors import ValidationError

    if isinstance(exc, ValidationError) and "did you mean" in exc.message:
        return " (--create-names adds it anyway)"
    return ""


def _is_operational_error(exc: Exception) -> bool:
    # Only a command that loaded SQLAlchemy can have raised one of its errors.
    if "sqlalchemy.exc" not in sys.modules:
        return False
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)


def _is_refusal(exc: Exception) -> bool:
    if "sqlalchemy.exc" not in sys.modules:
        return False
    from dft.store.refusals import is_refusal

    return is_refusal(exc)


def _explain_refusal(args: argparse.Namespace, exc: Any) -> str:
    from dft.store.location import display_url
    from dft.store.refusals import explain_refusal

    url = _database_url_or_none(args)
    return str(explain_refusal(display_url(url) if url is not None else "database", exc))


def _explain_operational_error(args: argparse.Namespace, exc: Any) -> str:
    from dft.store.database import explain_operational_error
    from dft.store.location import display_url

    url = _database_url_or_none(args)
    location = display_url(url) if url is not None else "database"
    return str(explain_operational_error(location, exc, url))


def _log_traceback(command: str) -> str:
    """Write the traceback to the log file (owner-only, passwords masked); returns its path."""
    import logging

    from dft.store.logs import configure_logging

    path = configure_logging()
    logging.getLogger("dft.cli").exception("dft %s stopped by an unexpected error", command)
    return str(path)
