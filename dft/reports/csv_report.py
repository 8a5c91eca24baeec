"""The report's data as one CSV: a ``section`` column says which table each row belongs to."""

from __future__ import annotations

import csv
from pathlib import Path

from dft.core.text import spreadsheet_text
from dft.reports.monthly import MonthlyReport
from dft.reports.tables import Cell, Kind, headline_rows, report_tables

FIELDS = ("section", "label", "value", "deals", "share", "lost_value", "details")


def _plain(value: Cell, kind: Kind) -> str:
    """Machine-readable: money in dollars with two decimals, shares as fractions."""
    if value is None:
        return ""
    if kind is Kind.MONEY:
        cents = int(value)  # type: ignore[arg-type]
        return f"{cents // 100}.{cents % 100:02d}"
    if kind is Kind.SHARE:
        return f"{float(value):.4f}"  # type: ignore[arg-type]
    if kind in (Kind.DATE, Kind.INT, Kind.CHANGE):
        return str(value)
    if kind is Kind.NUMBER:
        return f"{float(value):g}"  # type: ignore[arg-type]
    return spreadsheet_text(str(value))


def write_csv(report: MonthlyReport, path: Path) -> None:
    """Write the report to ``path`` as CSV, one section per table."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        writer.writerow(["report", "month", report.month.strftime("%Y-%m"), "", "", "", ""])
        writer.writerow(["report", "scope", _plain(report.scope.describe(), Kind.TEXT)] + [""] * 4)
        for label, value, kind in headline_rows(report):
            writer.writerow(["headline", label, _plain(value, kind), "", "", "", ""])
        for table in report_tables(report):
            kinds = [c.kind for c in table.columns]
            titles = [c.title for c in table.columns]
            for row in table.rows:
                cells = dict(zip(titles, zip(row, kinds, strict=True), strict=True))
                label_title = titles[0]
                deals = cells.get("Deals")
                share = cells.get("Share")
                money = cells.get("Lost value") or cells.get("Value")
                used = {label_title, "Deals", "Share", "Lost value", "Value"}
                details = "; ".join(
                    f"{title}={_plain(v, k)}"
                    for title, (v, k) in cells.items()
                    if title not in used and v not in (None, "")
                )
                writer.writerow(
                    [
                        table.key,
                        _plain(*cells[label_title]),
                        "",
                        _plain(*deals) if deals else "",
                        _plain(*share) if share else "",
                        _plain(*money) if money else "",
                        spreadsheet_text(details),
                    ]
                )
