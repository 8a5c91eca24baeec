"""The database as a whole: ``dft demo``, ``backup``, ``restore``, ``copy`` and ``check``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_FAILURE, EXIT_OK, UsageError, database_url, open_database

if TYPE_CHECKING:
    from dft.store.copying import CopyReport


def cmd_demo(args: argparse.Namespace) -> int:
    """Add realistic sample deals with their follow-up calls to an empty database."""
    from dft.core.demo import generate_demo_data
    from dft.core.errors import ValidationError

    if args.deals < 1:
        raise UsageError("--deals must be at least 1")
    database = open_database(args)
    try:
        # Said before "already holds N deals": restoring comes first.
        database.refuse_writes_if_damaged()
        with database.sessions.begin() as session:
            try:
                result = generate_demo_data(session, deals=args.deals, seed=args.seed)
            except ValidationError as exc:
                raise UsageError(
                    f"{exc.message} Give --db a new file for a database of sample data."
                ) from exc
        print(
            f"Added {result.deals} sample deals with {result.follow_ups} follow-up calls "
            f"to {database.location}"
        )
    finally:
        database.close()
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up a SQLite database now, to ``--to`` or the backup folder."""
    from pathlib import Path

    from dft.store.maintenance import backup_database

    url = database_url(args)
    keep = None if args.to else _backups_kept(args)
    made = backup_database(url, Path(args.to).expanduser().resolve() if args.to else None, keep)
    print(f"Backed up to {made}")
    return EXIT_OK


def _backups_kept(args: argparse.Namespace) -> int:
    """How many backups the folder keeps (a setting stored in the database)."""
    from dft.core import settings

    database = open_database(args)
    try:
        with database.read_sessions.begin() as session:
            return settings.get_int(session, settings.BACKUPS_KEPT)
    finally:
        database.close()


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy a whole database to or from the current one, verified before it is kept."""
    from dft.store.copying import copy_database
    from dft.store.location import resolve_database_url

    if not args.copy_from and not args.copy_to:
        raise UsageError("say where to copy: --to PATH_OR_URL, --from PATH_OR_URL, or both")
    current = database_url(args)
    source = resolve_database_url(args.copy_from) if args.copy_from else current
    target = resolve_database_url(args.copy_to) if args.copy_to else current
    report = copy_database(source, target, force=args.force, progress=_show_copy_progress)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    _print_copy_report(report)
    return EXIT_OK


def _show_copy_progress(table: str, rows: int) -> None:
    if sys.stderr.isatty():
        print(f"\r  copying {table}: {rows:,} rows", end="", file=sys.stderr, flush=True)


def _print_copy_report(report: CopyReport) -> None:
    print(f"Copied {report.source} to {report.target}" + (" (replaced)" if report.replaced else ""))
    width = max(len(check.table) for check in report.tables)
    for check in report.tables:
        print(f"  {check.table:<{width}}  {check.rows:>10,} rows  sha256 {check.checksum[:16]}")
    print("Verified: every table has the same rows and checksum in both databases.")


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a SQLite database with a backup, after backing up the current one."""
    from pathlib import Path

    from dft.store.maintenance import restore_database

    report, saved = restore_database(database_url(args), Path(args.backup).expanduser().resolve())
    if saved is not None:
        print(f"The database as it was is saved in {saved}")
    print(f"Restored {report.deals} deals from {report.location}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Print the database's integrity, foreign keys and schema version; exit 1 on problems."""
    from dft.store.maintenance import check_database
    from dft.store.schema import head_revision

    report = check_database(database_url(args))
    integrity = "ok" if report.integrity == ["ok"] else "; ".join(report.integrity[:10])
    broken = report.foreign_key_problems
    print(f"Database:       {report.location}")
    print(f"Integrity:      {integrity}")
    print(f"Foreign keys:   {'ok' if not broken else f'{broken} broken references'}")
    current = "up to date" if report.schema_current else f"expected {head_revision()}"
    print(f"Schema version: {report.schema_revision} ({current})")
    if report.deals is not None:
        print(f"Deals:          {report.deals}")
    print("Result:         " + ("OK" if report.ok else "PROBLEMS FOUND"))
    return EXIT_OK if report.ok else EXIT_FAILURE
