"""The ``dft`` argument tree, and ``main``, which parses and hands over to one command.

Each command names its handler as ``"module:function"`` in ``dft.cli.commands``; that
module is imported only when its command runs, so ``dft --help`` and ``dft --version``
load neither SQLAlchemy nor the app's services.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import NoReturn, cast

from dft import APP_NAME, __version__
from dft.cli.common import EXIT_USAGE, Handler, run_command
from dft.core.startup import pause_collection

# What runs when no command is given: the desktop app.
WINDOW = "window:cmd_window"


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


Commands = argparse._SubParsersAction  # argparse names no public type for it


def _command(
    commands: Commands, name: str, handler: str, *, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help, description=description)
    _add_db_option(parser, top_level=False)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole argument tree: the top-level options and every command."""
    parser = _Parser(
        prog="dft",
        description=f"{APP_NAME}: log contracts that fell through, confirm their causes "
        "with follow-up calls, and report on them. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"dft {__version__}")
    _add_db_option(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add_command in (
        _add_demo,
        _add_causes,
        _add_add,
        _add_list,
        _add_call,
        _add_summary,
        _add_report,
        _add_insights,
        _add_settings,
        _add_import,
        _add_export,
        _add_backup,
        _add_restore,
        _add_copy,
        _add_check,
    ):
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dft`` with ``argv`` (default: the process's arguments); returns the exit code."""
    if argv is None:  # the process starting (dft, python -m dft, the bundle), not a caller's call
        pause_collection()
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        return load_handler(WINDOW)(args)
    return run_command(load_handler(handler), args)


def load_handler(name: str) -> Handler:
    """The command function named ``"module:function"`` in ``dft.cli.commands``."""
    module_name, _, function = name.partition(":")
    module = importlib.import_module(f"dft.cli.commands.{module_name}")
    return cast(Handler, getattr(module, function))


# -- The commands, in the order --help lists them ------------------------------------


def _add_demo(commands: Commands) -> None:
    demo = _command(
        commands,
        "demo",
        "databases:cmd_demo",
        help="fill an empty database with realistic sample deals",
    )
    demo.add_argument("--deals", type=int, default=300, metavar="N", help="how many (300)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")


def _add_causes(commands: Commands) -> None:
    causes = _command(
        commands, "causes", "causes:cmd_causes", help="list the categories and their causes"
    )
    causes.add_argument("--json", action="store_true", help="print JSON")


def _add_add(commands: Commands) -> None:
    add = _command(commands, "add", "deals:cmd_add", help="log one lost deal")
    add.add_argument("--client", required=True, metavar="NAME")
    add.add_argument("--value", required=True, metavar="AMOUNT", help="12500, 12500.00, $12,500")
    add.add_argument("--fell-through", required=True, metavar="YYYY-MM-DD")
    add.add_argument(
        "--cause",
        metavar='"Category/Cause"',
        help="required while the team requires a cause (the default); when it is not known "
        'yet: "Not yet known/Unknown — pending call"',
    )
    add.add_argument("--signed", metavar="YYYY-MM-DD")
    add.add_argument("--contract", metavar="NO", help="contract number")
    add.add_argument("--salesperson", metavar="NAME")
    add.add_argument("--lead-source", metavar="NAME")
    add.add_argument("--community", metavar="NAME")
    add.add_argument("--lot", metavar="TEXT")
    add.add_argument("--role", metavar="TEXT", help="who or what was responsible")
    add.add_argument("--status", choices=("suspected", "confirmed"), default="suspected")
    add.add_argument("--notes", metavar="TEXT", default="")
    add.add_argument("--phone", metavar="NUMBER", help="the client's phone number")
    add.add_argument("--email", metavar="ADDRESS", help="the client's e-mail address")
    add.add_argument("--crm-link", metavar="URL", help="the deal in your CRM (http… address)")
    add.add_argument("--resold-on", metavar="YYYY-MM-DD", help="when the home or lot was re-sold")
    add.add_argument("--resale-price", metavar="AMOUNT", help="what it was re-sold for")
    add.add_argument(
        "--create-names",
        action="store_true",
        help="create a salesperson, lead source or community even when it is close to an "
        "existing name",
    )


def _add_list(commands: Commands) -> None:
    list_ = _command(commands, "list", "deals:cmd_list", help="list deals")
    list_.add_argument("--month", metavar="YYYY-MM", help="deals that fell through that month")
    list_.add_argument("--category", metavar="NAME")
    list_.add_argument("--salesperson", metavar="NAME", help="only this salesperson's deals")
    list_.add_argument(
        "--status", choices=("suspected", "confirmed"), help="only deals whose cause is this"
    )
    list_.add_argument(
        "--overdue", action="store_true", help="only deals with a follow-up call past its due day"
    )
    list_.add_argument(
        "--search",
        metavar="TEXT",
        default="",
        help="only deals whose client, contract number, notes or call notes hold TEXT "
        "(case and accents ignored), as the window's search box",
    )
    list_.add_argument("--json", action="store_true", help="print JSON")


def _add_call(commands: Commands) -> None:
    call = _command(
        commands,
        "call",
        "calls:cmd_call",
        help="log a follow-up call on a deal",
        description="Log a follow-up call on a deal, as the window's call dialog does: it "
        "completes the deal's open scheduled call if there is one, and a voicemail or no "
        "answer schedules the next try. A call that confirms or changes the cause must have "
        "reached the client.",
    )
    deal = call.add_mutually_exclusive_group(required=True)
    deal.add_argument(
        "deal",
        nargs="?",
        metavar="DEAL",
        help="the deal's contract number, else its id when no deal has that contract number",
    )
    deal.add_argument("--id", type=int, metavar="ID", help="the deal's id, always")
    call.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the day of the call")
    call.add_argument("--caller", required=True, metavar="NAME", help="who made the call")
    call.add_argument(
        "--outcome", required=True, choices=("reached", "voicemail", "no-answer", "declined")
    )
    cause = call.add_mutually_exclusive_group()
    cause.add_argument("--confirm", action="store_true", help="the client confirmed the cause")
    cause.add_argument(
        "--change-to", metavar='"Category/Cause"', help="the client gave another cause"
    )
    call.add_argument("--client-words", default="", metavar="TEXT", help="what the client said")
    call.add_argument("--notes", default="", metavar="TEXT")


def _add_summary(commands: Commands) -> None:
    summary = _command(
        commands, "summary", "reports:cmd_summary", help="a month's deals by category and cause"
    )
    summary.add_argument("--month", required=True, metavar="YYYY-MM")
    summary.add_argument("--json", action="store_true", help="print JSON")


def _add_report(commands: Commands) -> None:
    report = _command(
        commands,
        "report",
        "reports:cmd_report",
        help="the monthly cause report as PDF, Excel, CSV or HTML",
    )
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the format follows the ending: .pdf, .xlsx, .csv or .html",
    )
    report.add_argument("--salesperson", metavar="NAME", help="only this salesperson's deals")
    report.add_argument("--community", metavar="NAME", help="only this community's deals")


def _add_insights(commands: Commands) -> None:
    insights = _command(
        commands,
        "insights",
        "insights:cmd_insights",
        help="what the manager learns: calibration, callers, control chart, cost, "
        "cancellation rate, win-backs",
        description="The insights on the deals that fell through from --from to --to: whose "
        "first guesses the calls confirmed, who made the calls, whether the controllable "
        "share is within its usual range (the 24 months ending with --to), what the "
        "fall-throughs cost, the cancellation rate against the benchmark, buyers won back.",
    )
    insights.add_argument("--from", dest="first_month", required=True, metavar="YYYY-MM")
    insights.add_argument(
        "--to", dest="last_month", metavar="YYYY-MM", help="the last month (default: --from)"
    )
    insights.add_argument("--salesperson", metavar="NAME", help="only this salesperson's deals")
    insights.add_argument("--community", metavar="NAME", help="only this community's deals")
    insights.add_argument("--json", action="store_true", help="print JSON")


def _add_settings(commands: Commands) -> None:
    settings = _command(
        commands,
        "settings",
        "settings:cmd_settings",
        help="show or change the team's settings, kept in the database",
        description="With no arguments, lists the team's settings and their values. "
        "NAME VALUE changes one (checked as the window's Team settings dialog checks it); "
        "NAME alone shows one. An optional setting is cleared with the value 'none'.",
    )
    settings.add_argument("name", nargs="?", metavar="NAME", help="e.g. win-back-calls")
    settings.add_argument("value", nargs="?", metavar="VALUE", help="e.g. on, 90, $45.00, 20%%")
    settings.add_argument("--json", action="store_true", help="print JSON")


def _add_import(commands: Commands) -> None:
    import_ = _command(
        commands,
        "import",
        "exchange:cmd_import",
        help="import deals from a CSV or Excel file",
        description="Import deals all or nothing. Each distinct value of the file's cause "
        "column goes to a cause: a map file's choice, the mapping remembered for files with "
        "these headers, a cause of that name, or a category of that name (its general cause). "
        "A value that only looks like a cause is reported with its suggestion, not guessed.",
    )
    import_.add_argument("file", metavar="FILE", help=".csv, .xlsx, or .txt/.tsv (delimited text)")
    import_.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and print where each cause value would go; write nothing",
    )
    import_.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Their column=field"',
        help="use a column for a field (repeatable); an empty field ignores the column",
    )
    import_.add_argument(
        "--cause-map",
        metavar="MAP.csv",
        help="where each cause value goes: a CSV with the header value,category,cause",
    )
    import_.add_argument(
        "--save-map",
        metavar="MAP.csv",
        help="write the value mapping used (or suggested, when the import is refused) "
        "to edit and reuse with --cause-map",
    )
    import_.add_argument(
        "--create-causes",
        action="store_true",
        help="add the values that go nowhere as new causes (and a file's unknown categories "
        "as new categories), not classified until set in Manage causes",
    )
    import_.add_argument(
        "--date-format",
        choices=("mdy", "dmy"),
        default=None,
        help="how to read 05/06/2024: month first (mdy) or day first (dmy); default: as "
        "remembered for files with these headers, else month first; ISO dates (2024-05-06) "
        "are always read as such, dotted ones (6.5.2024) day first",
    )


def _add_export(commands: Commands) -> None:
    export = _command(
        commands,
        "export",
        "exchange:cmd_export",
        help="export deals and their calls to CSV or Excel",
    )
    export.add_argument("file", metavar="FILE", help=".csv (plus FILE-follow-ups.csv) or .xlsx")
    period = export.add_mutually_exclusive_group()
    period.add_argument("--month", metavar="YYYY-MM", help="deals that fell through that month")
    period.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day")


def _add_backup(commands: Commands) -> None:
    backup = _command(commands, "backup", "databases:cmd_backup", help="back up the database now")
    backup.add_argument("--to", metavar="PATH", help="where (default: the backup folder)")


def _add_restore(commands: Commands) -> None:
    restore = _command(
        commands,
        "restore",
        "databases:cmd_restore",
        help="replace the database with a backup (the current one is backed up first)",
    )
    restore.add_argument("backup", metavar="PATH")


def _add_copy(commands: Commands) -> None:
    copy = _command(
        commands,
        "copy",
        "databases:cmd_copy",
        help="copy a whole database, SQLite <-> PostgreSQL, verified by counts and checksums",
        description="Copy every deal, call, cause and list entry from one database to "
        "another. The side not given is the current database (--db, $DFT_DATABASE or the "
        "default file). The copy is checked row for row before it is kept.",
    )
    copy.add_argument("--from", dest="copy_from", metavar="PATH_OR_URL", help="copy from here")
    copy.add_argument("--to", dest="copy_to", metavar="PATH_OR_URL", help="copy to here")
    copy.add_argument(
        "--force", action="store_true", help="replace whatever the target already holds"
    )


def _add_check(commands: Commands) -> None:
    _command(
        commands, "check", "databases:cmd_check", help="check the database's integrity and schema"
    )
