"""``dft import`` and ``dft export``: deals from and to CSV or Excel files.

Without a person to confirm, ``dft import`` applies only the sure matches of
each cause value (a map file's choice, a remembered mapping, an exact cause
name, a category name); a value that only looks like a cause is reported as
not mapped, with its suggestion, and the import is refused whole: exit 2, one
line per distinct problem with a hint of the flag that fixes it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_OK, EXIT_USAGE, UsageError, open_database, reading, table

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from dft.core.queries import DealFilter
    from dft.exchange.importer import ImportResult
    from dft.exchange.mapping import CauseValue
    from dft.exchange.plan import ImportOptions
    from dft.exchange.problems import ImportFailed, ProblemGroup


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file all or nothing; its problems are printed once each, then exit code 2."""
    from pathlib import Path

    from dft.exchange.columns import parse_overrides
    from dft.exchange.map_file import read_map_file
    from dft.exchange.plan import ImportOptions
    from dft.exchange.problems import ImportFailed
    from dft.exchange.values import DateOrder

    path = Path(args.file).expanduser()
    options = ImportOptions(
        overrides=parse_overrides(args.map),
        create_causes=args.create_causes,
        date_order=DateOrder(args.date_format) if args.date_format else None,
        causes=read_map_file(Path(args.cause_map).expanduser()) if args.cause_map else None,
    )
    save_map = Path(args.save_map).expanduser() if args.save_map else None
    try:
        result = _import(args, path, options, save_map)
    except ImportFailed as failed:
        if args.dry_run and failed.values:
            _print_values(failed.values)
        _print_problems(failed)
        if save_map is not None and failed.values:
            _write_map(save_map, failed.values)
            print(
                f"The value mapping, with the suggestions, is in {save_map}: edit it and "
                f"import again with --cause-map {save_map}",
                file=sys.stderr,
            )
        elif save_map is not None:
            print(f"No map file written: {path.name} was not read that far", file=sys.stderr)
        return EXIT_USAGE
    if args.dry_run:
        _print_values(result.values)
    _print_import_summary(path.name, result, dry_run=args.dry_run, save_map=save_map)
    return EXIT_OK


def _import(
    args: argparse.Namespace, path: Path, options: ImportOptions, save_map: Path | None
) -> ImportResult:
    """The import in one transaction; a dry run rolls it back. The map file is written
    before the commit, so a map that cannot be written leaves nothing imported."""
    from dft.exchange.importer import RollBack, import_file

    database = open_database(args)
    try:
        with database.sessions.begin() as session:
            result = import_file(session, path, options)
            if save_map is not None:
                _write_map(save_map, result.values)
            if args.dry_run:
                raise RollBack(result)
        return result
    except RollBack as done:
        return done.result
    finally:
        database.close()


def _write_map(path: Path, values: tuple[CauseValue, ...]) -> None:
    from dft.exchange.map_file import write_map_file

    try:
        write_map_file(path, values)
    except OSError as exc:
        raise UsageError(f"cannot write the map file {path}: {exc.strerror or exc}") from exc


# -- What the import says ----------------------------------------------------------------


def _print_values(values: tuple[CauseValue, ...]) -> None:
    """The value table: each distinct cause value, its rows and where it goes (and why)."""
    from dft.exchange.mapping import REASON_WORDS

    if not values:
        print("No cause values in the file.")
        return
    rows = []
    for value in values:
        if value.target is None:
            goes_to, why = "not mapped", "no cause looks like it"
        elif value.sure:
            goes_to = value.target.label
            why = REASON_WORDS[value.reason] if value.reason else ""
        else:
            goes_to, why = "not mapped", f"suggested: {value.target.label}"
        rows.append([value.label, f"{value.rows:,}", goes_to, why])
    total = sum(v.rows for v in values)
    print(f"Cause values: {len(values):,} distinct in {_count(total, 'row')}")
    print(table(["value", "rows", "goes to", "how"], rows, right={1}))


def _hint(group: ProblemGroup) -> str:
    """What to do about a problem, with the flag that does it."""
    from dft.exchange.problems import ProblemKind

    kind = group.kind
    if kind == ProblemKind.CAUSE_NOT_MAPPED and group.value == "":
        return "map the blank value with --cause-map (a line with an empty value)"
    if kind in (ProblemKind.CAUSE_NOT_MAPPED, ProblemKind.CATEGORY_UNKNOWN):
        return "map it with --cause-map or create it with --create-causes"
    if kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED:
        return "create it with --create-causes or name a cause in the list in the map file"
    if kind == ProblemKind.NAME_TOO_LONG:
        return "map it to a cause in the list with --cause-map"
    if kind == ProblemKind.FILE and group.message.startswith("no column for"):
        return 'name the column with --map "Their column=field"'
    return ""


def _print_problems(failed: ImportFailed) -> None:
    for group in failed.groups:
        hint = _hint(group)
        print(f"{group.message} — {hint}" if hint else group.message, file=sys.stderr)
    if failed.more_groups:
        print(f"… and {failed.more_groups:,} more problems of other kinds", file=sys.stderr)
    print(f"dft import: {failed}", file=sys.stderr)


def _print_import_summary(
    name: str, result: ImportResult, *, dry_run: bool, save_map: Path | None
) -> None:
    verb = "would add" if dry_run else "added"
    print(
        f"{name}: {_count(result.rows_read, 'row')} read, {verb} {_count(result.added, 'deal')}, "
        f"{result.already_present} skipped as already present"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    for category in result.categories_created:
        print(f"  new category: {category} (not classified yet: set it in Manage causes)")
    for cause in result.causes_created:
        print(f"  new cause: {cause}")
    for created in result.names_created:
        print(f"  new {created}")
    if result.calls_scheduled:
        print(
            f"  {_count(result.calls_scheduled, 'follow-up call')} scheduled, none due before today"
        )
    if result.win_back_calls:
        print(f"  {_count(result.win_back_calls, 'win-back call')} scheduled")
    if result.without_calls:
        print(
            f"  {_count(result.without_calls, 'deal')} fell through more than "
            f"{result.history_days} days ago: history, no automatic call"
        )
    if result.several_contacts:
        print(
            f"  {_count(result.several_contacts, 'phone or e-mail cell')} held more than one; "
            "the first was kept"
        )
    if result.ordered_dates:  # an ISO-only file has nothing to say here
        order = "day first" if result.date_order.value == "dmy" else "month first"
        print(f"  dates like 5/6/2024 read {order}")
    if result.remembered_columns:
        print("  columns as remembered from the last file with these headers")
    if result.unused_columns:
        print(f"  columns not imported: {', '.join(result.unused_columns)}")
    if save_map is not None:
        print(f"  value mapping written to {save_map}")
    if result.mapping_saved and not dry_run:
        print("  the mapping is remembered for the next file with these headers")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# -- Export ------------------------------------------------------------------------------


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
