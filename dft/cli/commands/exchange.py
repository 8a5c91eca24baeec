"""``dft import`` and ``dft export``: deals from and to CSV or Excel files."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_OK, EXIT_USAGE, UsageError, open_database, reading

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from dft.core.queries import DealFilter
    from dft.exchange.importer import ImportResult
    from dft.exchange.plan import ImportOptions


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file all or nothing; every problem is printed, then exit code 2."""
    from pathlib import Path

    from dft.exchange.columns import parse_overrides
    from dft.exchange.plan import ImportOptions
    from dft.exchange.problems import ImportFailed
    from dft.exchange.values import DateOrder

    options = ImportOptions(
        overrides=parse_overrides(args.map),
        create_causes=args.create_causes,
        date_order=DateOrder(args.date_format),
    )
    path = Path(args.file).expanduser()
    try:
        result = _import(args, path, options)
    except ImportFailed as failed:
        for problem in failed.problems:
            print(f"{path.name}: {problem}", file=sys.stderr)
        print(f"dft import: {failed}", file=sys.stderr)
        return EXIT_USAGE
    _print_import_summary(path.name, result, dry_run=args.dry_run)
    return EXIT_OK


def _import(args: argparse.Namespace, path: Path, options: ImportOptions) -> ImportResult:
    """The import in one transaction; a dry run rolls it back."""
    from dft.exchange.importer import RollBack, import_file

    database = open_database(args)
    try:
        with database.sessions.begin() as session:
            result = import_file(session, path, options)
            if args.dry_run:
                raise RollBack(result)
        return result
    except RollBack as done:
        return done.result
    finally:
        database.close()


def _print_import_summary(name: str, result: ImportResult, *, dry_run: bool) -> None:
    verb = "would add" if dry_run else "added"
    print(
        f"{name}: {result.rows_read} rows read, {verb} {result.added} deals, "
        f"{result.already_present} skipped as already present"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    for cause in result.causes_created:
        print(f"  new cause: {cause}")
    for created in result.names_created:
        print(f"  new {created}")
    if result.unused_columns:
        print(f"  columns not imported: {', '.join(result.unused_columns)}")


def cmd_export(args: argparse.Namespace) -> int:
    """Export the deals of a month or a date range (default: all) with their calls."""
    from pathlib import Path

    from dft.exchange.exporter import export_deals

    deal_filter = _export_filter(args)
    path = Path(args.file).expanduser().resolve()

    def work(session: Session) -> int:
        result = export_deals(session, path, deal_filter)
        files = " and ".join(str(f) for f in result.files)
        print(f"Exported {result.deals} deals and {result.follow_ups} follow-up calls to {files}")
        return EXIT_OK

    return reading(args, work)


def _export_filter(args: argparse.Namespace) -> DealFilter:
    from datetime import timedelta

    from dft.core.dates import next_month, parse_iso_date, parse_month
    from dft.core.queries import DealFilter

    if args.date_to and args.month:
        raise UsageError("--to goes with --from, not with --month")
    if args.month:
        start = parse_month(args.month, "--month")
        return DealFilter(fell_from=start, fell_to=next_month(start) - timedelta(days=1))
    return DealFilter(
        fell_from=parse_iso_date(args.date_from, "--from") if args.date_from else None,
        fell_to=parse_iso_date(args.date_to, "--to") if args.date_to else None,
    )
