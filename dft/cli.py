"""The ``dft`` command line. Each command runs in one transaction.

Heavy modules (SQLAlchemy, Qt, matplotlib) are imported inside the commands
so ``dft --version`` and ``dft --help`` answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from dft import APP_NAME, __version__

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dft.store.database import Database

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A flag value the user must correct; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _add_db_option(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        # On sub-commands SUPPRESS keeps "dft --db X list" from being reset to None.
        default=None if top_level else argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $DFT_DATABASE, else the file in "
        "your user-data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dft",
        description=f"{APP_NAME}: log contracts that fell through, confirm their causes "
        "with follow-up calls, and report on them. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"dft {__version__}")
    _add_db_option(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="fill the database with realistic sample deals")
    _add_db_option(demo, top_level=False)
    demo.add_argument("--deals", type=int, default=300, metavar="N", help="how many (300)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")
    demo.set_defaults(handler=cmd_demo)

    causes = commands.add_parser("causes", help="list the categories and their causes")
    _add_db_option(causes, top_level=False)
    causes.add_argument("--json", action="store_true", help="print JSON")
    causes.set_defaults(handler=cmd_causes)

    add = commands.add_parser("add", help="log one lost deal")
    _add_db_option(add, top_level=False)
    add.add_argument("--client", required=True, metavar="NAME")
    add.add_argument("--value", required=True, metavar="AMOUNT", help="12500, 12500.00, $12,500")
    add.add_argument("--fell-through", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--cause", required=True, metavar='"Category/Cause"')
    add.add_argument("--signed", metavar="YYYY-MM-DD")
    add.add_argument("--contract", metavar="NO", help="contract number")
    add.add_argument("--salesperson", metavar="NAME")
    add.add_argument("--lead-source", metavar="NAME")
    add.add_argument("--community", metavar="NAME")
    add.add_argument("--lot", metavar="TEXT")
    add.add_argument("--role", metavar="TEXT", help="who or what was responsible")
    add.add_argument("--status", choices=("suspected", "confirmed"), default="suspected")
    add.add_argument("--notes", metavar="TEXT", default="")
    add.add_argument(
        "--create-names",
        action="store_true",
        help="create a salesperson, lead source or community even when it is close to an "
        "existing name",
    )
    add.set_defaults(handler=cmd_add)

    list_ = commands.add_parser("list", help="list deals")
    _add_db_option(list_, top_level=False)
    list_.add_argument("--month", metavar="YYYY-MM", help="deals that fell through that month")
    list_.add_argument("--category", metavar="NAME")
    list_.add_argument("--json", action="store_true", help="print JSON")
    list_.set_defaults(handler=cmd_list)

    summary = commands.add_parser("summary", help="a month's deals by category and cause")
    _add_db_option(summary, top_level=False)
    summary.add_argument("--month", required=True, metavar="YYYY-MM")
    summary.add_argument("--json", action="store_true", help="print JSON")
    summary.set_defaults(handler=cmd_summary)

    report = commands.add_parser(
        "report", help="the monthly cause report as PDF, Excel, CSV or HTML"
    )
    _add_db_option(report, top_level=False)
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the format follows the ending: .pdf, .xlsx, .csv or .html",
    )
    report.add_argument("--salesperson", metavar="NAME", help="only this salesperson's deals")
    report.add_argument("--community", metavar="NAME", help="only this community's deals")
    report.set_defaults(handler=cmd_report)

    import_ = commands.add_parser("import", help="import deals from a CSV or Excel file")
    _add_db_option(import_, top_level=False)
    import_.add_argument("file", metavar="FILE", help=".csv or .xlsx")
    import_.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    import_.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Their column=field"',
        help="use a column for a field (repeatable); an empty field ignores the column",
    )
    import_.add_argument(
        "--create-causes",
        action="store_true",
        help="add unknown causes (under the row's category, else Other)",
    )
    import_.add_argument(
        "--date-format",
        choices=("mdy", "dmy"),
        default="mdy",
        help="how to read 05/06/2024: month first (mdy, the default) or day first (dmy); "
        "ISO dates (2024-05-06) are always read as such",
    )
    import_.set_defaults(handler=cmd_import)

    export = commands.add_parser("export", help="export deals and their calls to CSV or Excel")
    _add_db_option(export, top_level=False)
    export.add_argument("file", metavar="FILE", help=".csv (plus FILE-follow-ups.csv) or .xlsx")
    period = export.add_mutually_exclusive_group()
    period.add_argument("--month", metavar="YYYY-MM", help="deals that fell through that month")
    period.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day")
    export.set_defaults(handler=cmd_export)

    backup = commands.add_parser("backup", help="back up the database now")
    _add_db_option(backup, top_level=False)
    backup.add_argument("--to", metavar="PATH", help="where (default: the backup folder)")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the current one is backed up first)"
    )
    _add_db_option(restore, top_level=False)
    restore.add_argument("backup", metavar="PATH")
    restore.set_defaults(handler=cmd_restore)

    copy = commands.add_parser(
        "copy",
        help="copy a whole database, SQLite <-> PostgreSQL, verified by counts and checksums",
        description="Copy every deal, call, cause and list entry from one database to "
        "another. The side not given is the current database (--db, $DFT_DATABASE or the "
        "default file). The copy is checked row for row before it is kept.",
    )
    _add_db_option(copy, top_level=False)
    copy.add_argument("--from", dest="copy_from", metavar="PATH_OR_URL", help="copy from here")
    copy.add_argument("--to", dest="copy_to", metavar="PATH_OR_URL", help="copy to here")
    copy.add_argument(
        "--force", action="store_true", help="replace whatever the target already holds"
    )
    copy.set_defaults(handler=cmd_copy)

    check = commands.add_parser("check", help="check the database's integrity and schema")
    _add_db_option(check, top_level=False)
    check.set_defaults(handler=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        return run_app(args)

    from sqlalchemy.exc import OperationalError

    from dft.core.errors import DftError, ValidationError

    try:
        return handler(args)
    except (UsageError, ValidationError) as exc:
        hint = ""
        if isinstance(exc, ValidationError) and "did you mean" in exc.message:
            hint = " (--create-names adds it anyway)"
        print(f"dft {args.command}: error: {exc}{hint}", file=sys.stderr)
        return EXIT_USAGE
    except DftError as exc:
        print(f"dft {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OperationalError as exc:
        from dft.store.database import explain_operational_error
        from dft.store.location import display_url

        url = _url_or_none(args)
        location = display_url(url) if url is not None else "database"
        print(
            f"dft {args.command}: {explain_operational_error(location, exc, url)}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"dft {args.command}: interrupted; nothing was saved.", file=sys.stderr)
        return 130
    except Exception as exc:  # the user gets one line, not a traceback
        if os.environ.get("DFT_DEBUG"):
            raise
        from dft.store.location import redact

        print(
            f"dft {args.command}: unexpected error: {exc.__class__.__name__}: "
            f"{redact(str(exc), _url_or_none(args))} (set DFT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def run_app(args: argparse.Namespace) -> int:
    try:
        from dft.ui.app import run  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("dft.ui"):
            print(
                "dft: the desktop window is not part of this version yet; "
                "the commands work (see 'dft --help').",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        raise
    return int(run(args.db))


# -- Helpers ---------------------------------------------------------------------


def _open(args: argparse.Namespace) -> Database:
    from dft.store.database import open_database
    from dft.store.location import resolve_database_url

    database = open_database(resolve_database_url(getattr(args, "db", None)))
    for warning in database.warnings:
        print(f"dft: warning: {warning}", file=sys.stderr)
    return database


def _url(args: argparse.Namespace) -> Any:
    from dft.store.location import resolve_database_url

    return resolve_database_url(getattr(args, "db", None))


def _url_or_none(args: argparse.Namespace) -> Any:
    try:
        return _url(args)
    except Exception:  # a malformed --db: nothing more to say about it here
        return None


def _run_in_transaction(args: argparse.Namespace, work: Callable[[Session], int]) -> int:
    database = _open(args)
    try:
        with database.sessions.begin() as session:
            return work(session)
    finally:
        database.close()


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def _print_json(payload: Any) -> None:
    print(json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


# -- Commands --------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from dft.core.demo import generate_demo_data

    if args.deals < 1:
        raise UsageError("--deals must be at least 1")
    database = _open(args)
    try:
        with database.sessions.begin() as session:
            result = generate_demo_data(session, deals=args.deals, seed=args.seed)
        print(
            f"Added {result.deals} sample deals with {result.follow_ups} follow-up calls "
            f"to {database.location}"
        )
    finally:
        database.close()
    return EXIT_OK


def cmd_causes(args: argparse.Namespace) -> int:
    from dft.core.taxonomy import list_taxonomy

    def work(session: Session) -> int:
        taxonomy = list_taxonomy(session)
        if args.json:
            _print_json(
                [
                    {
                        "category": category.name,
                        "controllable": category.controllable,
                        "retired": category.retired,
                        "causes": [
                            {"name": cause.name, "retired": cause.retired}
                            for cause in category.causes
                        ],
                    }
                    for category in taxonomy
                ]
            )
            return EXIT_OK
        for category in taxonomy:
            flags = ["controllable" if category.controllable else "not controllable"]
            if category.retired:
                flags.append("retired")
            print(f"{category.name} ({', '.join(flags)})")
            for cause in category.causes:
                print(f"  - {cause.name}{'  [retired]' if cause.retired else ''}")
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_add(args: argparse.Namespace) -> int:
    from dft.core.dates import parse_iso_date
    from dft.core.deals import DealInput, log_deal
    from dft.core.lists import find_entry
    from dft.core.models import Community, LeadSource, Salesperson
    from dft.core.money import parse_money
    from dft.core.taxonomy import find_cause

    value_cents = parse_money(args.value, field="--value")
    fell_through = parse_iso_date(args.fell_through, "--fell-through")
    signed = parse_iso_date(args.signed, "--signed") if args.signed else None

    def work(session: Session) -> int:
        cause = find_cause(session, args.cause, field="--cause")
        new_names = [
            f"{label} {name!r}"
            for label, known, name in (
                (
                    "salesperson",
                    find_entry(session, Salesperson, args.salesperson or ""),
                    args.salesperson,
                ),
                (
                    "lead source",
                    find_entry(session, LeadSource, args.lead_source or ""),
                    args.lead_source,
                ),
                ("community", find_entry(session, Community, args.community or ""), args.community),
            )
            if name and name.strip() and known is None
        ]
        deal_id = log_deal(
            session,
            DealInput(
                client_name=args.client,
                contract_value_cents=value_cents,
                fell_through_on=fell_through,
                signed_on=signed,
                contract_number=args.contract,
                salesperson=args.salesperson,
                lead_source=args.lead_source,
                community=args.community,
                lot=args.lot,
                responsible_role=args.role,
                cause_id=cause.id,
                cause_status=args.status,
                notes=args.notes,
            ),
            create_names=args.create_names,
        )
        for created in new_names:
            print(f"dft add: created new {created}", file=sys.stderr)
        print(deal_id)
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from dft.core.dates import next_month, parse_month
    from dft.core.money import format_cents
    from dft.core.queries import DealFilter, fetch_deal_rows
    from dft.core.taxonomy import find_category

    month = parse_month(args.month, "--month") if args.month else None

    def work(session: Session) -> int:
        category_ids: tuple[int, ...] = ()
        if args.category:
            category_ids = (find_category(session, args.category, "--category").id,)
        deal_filter = DealFilter(
            fell_from=month,
            fell_to=next_month(month) - timedelta(days=1) if month else None,
            category_ids=category_ids,
        )
        rows = fetch_deal_rows(session, deal_filter, sort_key="fell_through_on", descending=False)
        if args.json:
            _print_json(
                [
                    {
                        "id": r.id,
                        "client": r.client_name,
                        "contract_number": r.contract_number,
                        "contract_value_cents": r.contract_value_cents,
                        "signed_on": r.signed_on,
                        "fell_through_on": r.fell_through_on,
                        "category": r.category,
                        "cause": r.cause,
                        "cause_status": r.cause_status,
                        "salesperson": r.salesperson,
                        "lead_source": r.lead_source,
                        "community": r.community,
                        "next_follow_up_on": r.next_follow_up_on,
                    }
                    for r in rows
                ]
            )
            return EXIT_OK
        if not rows:
            print("No deals match.")
            return EXIT_OK
        print(
            _table(
                (
                    "ID",
                    "Fell through",
                    "Client",
                    "Contract",
                    "Value",
                    "Category",
                    "Cause",
                    "Status",
                ),
                [
                    (
                        str(r.id),
                        r.fell_through_on.isoformat(),
                        r.client_name,
                        r.contract_number or "",
                        format_cents(r.contract_value_cents),
                        r.category or "",
                        r.cause or "",
                        r.cause_status,
                    )
                    for r in rows
                ],
                right={0, 4},
            )
        )
        print(f"\n{len(rows)} deal(s)")
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_summary(args: argparse.Namespace) -> int:
    from dft.analytics.summary import month_summary
    from dft.core.dates import parse_month
    from dft.core.money import format_cents

    month = parse_month(args.month, "--month")

    def work(session: Session) -> int:
        summary = month_summary(session, month)
        if args.json:
            _print_json(
                {
                    "month": summary.month,
                    "deals": summary.deals,
                    "lost_value_cents": summary.lost_value_cents,
                    "categories": [
                        {
                            "name": c.name,
                            "controllable": c.controllable,
                            "deals": c.deals,
                            "share": round(c.share, 4),
                            "lost_value_cents": c.lost_value_cents,
                        }
                        for c in summary.categories
                    ],
                    "causes": [
                        {
                            "category": c.category,
                            "name": c.name,
                            "deals": c.deals,
                            "share": round(c.share, 4),
                            "lost_value_cents": c.lost_value_cents,
                        }
                        for c in summary.causes
                    ],
                }
            )
            return EXIT_OK
        print(
            f"{summary.month}: {summary.deals} deal(s) fell through, "
            f"{format_cents(summary.lost_value_cents)} contract value lost"
        )
        if not summary.deals:
            return EXIT_OK
        print()
        print(
            _table(
                ("Category", "Deals", "Share", "Lost value"),
                [
                    (
                        c.name,
                        str(c.deals),
                        f"{c.share * 100:.1f}%",
                        format_cents(c.lost_value_cents),
                    )
                    for c in summary.categories
                ],
                right={1, 2, 3},
            )
        )
        print()
        print(
            _table(
                ("Cause", "Category", "Deals", "Share", "Lost value"),
                [
                    (
                        c.name,
                        c.category,
                        str(c.deals),
                        f"{c.share * 100:.1f}%",
                        format_cents(c.lost_value_cents),
                    )
                    for c in summary.causes
                ],
                right={2, 3, 4},
            )
        )
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dft.core.dates import parse_month
    from dft.reports.monthly import ReportScope, build_monthly_report
    from dft.reports.render import WRITERS, deal_limit_for, write_report

    month = parse_month(args.month, "--month")
    out = Path(args.out).expanduser().resolve()
    if out.suffix.lower() not in WRITERS:
        raise UsageError(
            f"--out: unknown format {out.suffix or out.name!r}; use .pdf, .xlsx, .csv or .html"
        )
    if not out.parent.is_dir():
        raise UsageError(f"--out: folder {out.parent} does not exist")
    scope = ReportScope(salesperson=args.salesperson, community=args.community)

    def work(session: Session) -> int:
        report = build_monthly_report(session, month, scope, deal_limit=deal_limit_for(out))
        write_report(report, out)
        print(f"Wrote the {report.month:%B %Y} report ({report.deal_count} deals) to {out}")
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dft.exchange.columns import parse_overrides
    from dft.exchange.importer import ImportFailed, ImportOptions, RollBack, import_file
    from dft.exchange.values import DateOrder

    options = ImportOptions(
        overrides=parse_overrides(args.map),
        create_causes=args.create_causes,
        date_order=DateOrder(args.date_format),
    )
    path = Path(args.file).expanduser()
    database = _open(args)
    try:
        try:
            with database.sessions.begin() as session:
                result = import_file(session, path, options)
                if args.dry_run:
                    raise RollBack(result)
        except RollBack as done:
            result = done.result
        except ImportFailed as failed:
            for problem in failed.problems:
                print(f"{path.name}: {problem}", file=sys.stderr)
            print(f"dft import: {failed}", file=sys.stderr)
            return EXIT_USAGE
    finally:
        database.close()
    verb = "would add" if args.dry_run else "added"
    print(
        f"{path.name}: {result.rows_read} rows read, {verb} {result.added} deals, "
        f"{result.already_present} skipped as already present"
        + (" (dry run: nothing written)" if args.dry_run else "")
    )
    for cause in result.causes_created:
        print(f"  new cause: {cause}")
    for name in result.names_created:
        print(f"  new {name}")
    if result.unused_columns:
        print(f"  columns not imported: {', '.join(result.unused_columns)}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from datetime import timedelta
    from pathlib import Path

    from dft.core.dates import next_month, parse_iso_date, parse_month
    from dft.core.queries import DealFilter
    from dft.exchange.exporter import export_deals

    if args.month:
        start = parse_month(args.month, "--month")
        deal_filter = DealFilter(fell_from=start, fell_to=next_month(start) - timedelta(days=1))
    else:
        deal_filter = DealFilter(
            fell_from=parse_iso_date(args.date_from, "--from") if args.date_from else None,
            fell_to=parse_iso_date(args.date_to, "--to") if args.date_to else None,
        )
        if args.date_to and args.month:
            raise UsageError("--to goes with --from, not with --month")
    path = Path(args.file).expanduser().resolve()

    def work(session: Session) -> int:
        result = export_deals(session, path, deal_filter)
        files = " and ".join(str(f) for f in result.files)
        print(f"Exported {result.deals} deals and {result.follow_ups} follow-up calls to {files}")
        return EXIT_OK

    return _run_in_transaction(args, work)


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dft.core import settings
    from dft.store.maintenance import backup_database

    url = _url(args)
    keep = None
    if not args.to:
        database = _open(args)
        try:
            with database.read_sessions.begin() as session:
                keep = settings.get_int(session, settings.BACKUPS_KEPT)
        finally:
            database.close()
    made = backup_database(url, Path(args.to).expanduser().resolve() if args.to else None, keep)
    print(f"Backed up to {made}")
    return EXIT_OK


def cmd_copy(args: argparse.Namespace) -> int:
    from dft.store.copying import copy_database
    from dft.store.location import resolve_database_url

    if not args.copy_from and not args.copy_to:
        raise UsageError("say where to copy: --to PATH_OR_URL, --from PATH_OR_URL, or both")
    current = _url(args)
    source = resolve_database_url(args.copy_from) if args.copy_from else current
    target = resolve_database_url(args.copy_to) if args.copy_to else current

    def progress(table: str, rows: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  copying {table}: {rows:,} rows", end="", file=sys.stderr, flush=True)

    report = copy_database(source, target, force=args.force, progress=progress)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    print(f"Copied {report.source} to {report.target}" + (" (replaced)" if report.replaced else ""))
    width = max(len(check.table) for check in report.tables)
    for check in report.tables:
        print(f"  {check.table:<{width}}  {check.rows:>10,} rows  sha256 {check.checksum[:16]}")
    print("Verified: every table has the same rows and checksum in both databases.")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dft.store.maintenance import restore_database

    report, saved = restore_database(_url(args), Path(args.backup).expanduser().resolve())
    if saved is not None:
        print(f"The database as it was is saved in {saved}")
    print(f"Restored {report.deals} deals from {report.location}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from dft.store.database import head_revision
    from dft.store.maintenance import check_database

    report = check_database(_url(args))
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
