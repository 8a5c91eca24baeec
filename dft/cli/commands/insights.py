"""``dft insights``: what the manager learns over a period, as JSON or readable tables.

The JSON is :func:`dft.analytics.insights.insights_json` (the keys the issue and the
README name); the text shows the same tables as the monthly report.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING

from dft.cli.common import EXIT_OK, in_transaction, print_json, table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dft.analytics.insights import Insights

NOTE_WIDTH = 88


def cmd_insights(args: argparse.Namespace) -> int:
    """Print calibration, callers, the control chart, cost, the cancellation rate and
    win-backs for the deals that fell through from ``--from`` to ``--to``."""
    from dataclasses import replace

    from dft.analytics.insights import build_insights, insights_json
    from dft.core.clock import today
    from dft.core.dates import parse_month
    from dft.reports.monthly import ReportScope, resolve_scope

    first = parse_month(args.first_month, "--from")
    last = parse_month(args.last_month, "--to") if args.last_month else first
    scope = ReportScope(salesperson=args.salesperson, community=args.community)

    def work(session: Session) -> int:
        deal_filter = replace(resolve_scope(session, scope), today=today())
        insights = build_insights(session, first, last, deal_filter)
        if args.json:
            print_json(insights_json(insights))
        else:
            _print_insights(insights, scope.describe())
        return EXIT_OK

    return in_transaction(args, work)


def _print_insights(insights: Insights, scope: str) -> None:
    from dft.reports.tables import Kind, format_cell, insight_tables

    first, last = insights.first_month, insights.last_month
    period = f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"
    print(f"Insights on the deals that fell through in {period} ({scope})")
    latest = insights.control.latest
    if latest is not None:
        print(f"Is the change real? {last:%B %Y}: {latest.headline()}.")
    for section in insight_tables(insights):
        print()
        print(section.title)
        print("=" * len(section.title))
        if section.rows:
            right = {i for i, c in enumerate(section.columns) if c.kind is not Kind.TEXT}
            cells = [
                [format_cell(value, column.kind) for value, column in zip(row, section.columns,
                                                                          strict=True)]
                for row in section.rows
            ]  # fmt: skip
            print(table([c.title for c in section.columns], cells, right))
        else:
            print("None.")
        if section.note:
            print(textwrap.fill(section.note, NOTE_WIDTH))
