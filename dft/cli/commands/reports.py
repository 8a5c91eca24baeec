"""``dft summary`` and ``dft report``: a month's causes on screen, the monthly report to a file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dft.cli.common import EXIT_OK, UsageError, print_json, reading, table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dft.analytics.summary import MonthSummary


def cmd_summary(args: argparse.Namespace) -> int:
    """Print a month's deals by category and by cause, as tables or JSON."""
    from dft.analytics.summary import month_summary
    from dft.core.dates import parse_month

    month = parse_month(args.month, "--month")

    def work(session: Session) -> int:
        summary = month_summary(session, month)
        if args.json:
            print_json(_summary_json(summary))
        else:
            _print_summary(summary)
        return EXIT_OK

    return reading(args, work)


def _summary_json(summary: MonthSummary) -> dict[str, Any]:
    return {
        "month": summary.month,
        "deals": summary.deals,
        "lost_value_cents": summary.lost_value_cents,
        # Deal counts: each deal is controllable, not controllable, in a category not
        # classified yet, awaiting its call (cause not known yet), or without a cause.
        "controllable": summary.split.controllable,
        "not_controllable": summary.split.not_controllable,
        "unclassified": summary.split.unclassified,
        "pending": summary.split.pending,
        "no_cause": summary.split.no_cause,
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


def _print_summary(summary: MonthSummary) -> None:
    from dft.core.money import format_cents
    from dft.core.words import count_of

    print(
        f"{summary.month}: {count_of(summary.deals, 'deal')} fell through, "
        f"{format_cents(summary.lost_value_cents)} contract value lost"
    )
    if not summary.deals:
        return
    for line in summary.split.lines():
        print(line)
    categories = [
        (c.name, str(c.deals), f"{c.share * 100:.1f}%", format_cents(c.lost_value_cents))
        for c in summary.categories
    ]
    causes = [
        (
            c.name,
            c.category,
            str(c.deals),
            f"{c.share * 100:.1f}%",
            format_cents(c.lost_value_cents),
        )
        for c in summary.causes
    ]
    print()
    print(table(("Category", "Deals", "Share", "Lost value"), categories, right={1, 2, 3}))
    print()
    print(table(("Cause", "Category", "Deals", "Share", "Lost value"), causes, right={2, 3, 4}))


def cmd_report(args: argparse.Namespace) -> int:
    """Write the monthly report to ``--out``; its ending picks PDF, Excel, CSV or HTML."""
    from pathlib import Path

    from dft.core.dates import parse_month
    from dft.core.words import count_of
    from dft.reports.chart_process import stop_drawing_process
    from dft.reports.monthly import ReportScope
    from dft.reports.render import WRITERS, read_report_for, write_report

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
        try:
            read = read_report_for(session, out, month, scope)
            report = read.report
            write_report(report, out, read.pdf_charts)
        finally:
            stop_drawing_process()
        print(
            f"Wrote the {report.month:%B %Y} report ({count_of(report.deal_count, 'deal')}) "
            f"to {out}"
        )
        return EXIT_OK

    return reading(args, work)
