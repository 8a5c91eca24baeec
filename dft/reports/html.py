"""The report as one self-contained HTML page (charts inline as SVG)."""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape
from pathlib import Path

from matplotlib.figure import Figure

from dft.analytics import charts, insight_charts
from dft.reports.monthly import MAX_LISTED_CALLS, MonthlyReport
from dft.reports.tables import (
    MAX_LISTED_DEALS,
    Kind,
    Table,
    capped,
    format_cell,
    headline_rows,
    report_tables,
)

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 960px; margin: 2em auto; padding: 0 1em; }
h1 { color: #1F4E79; margin-bottom: 0; } h2 { color: #1F4E79; margin-top: 1.6em; }
.sub, .note { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.4em 0 1em; }
th { background: #1F4E79; color: white; text-align: left; padding: 4px 6px; }
td { border-bottom: 1px solid #ddd; padding: 3px 6px; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
tr:nth-child(even) td { background: #F3F6FA; }
figure { margin: 0.5em 0; } figure svg { max-width: 100%; height: auto; }
"""
# The style for Qt's rich text (the app's preview), which lays out collapsed borders
# slowly: 65 ms against 37 for the preview's page. Its tables look the same with no
# spacing between cells, which TABLE asks for (a browser goes by the collapse).
QT_STYLE = STYLE.replace("border-collapse: collapse; ", "")
TABLE = "<table cellspacing=0>"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.find("<svg") :]


def _table(table: Table, title: bool = True) -> str:
    head = "".join(f"<th>{escape(c.title)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{'' if c.kind is Kind.TEXT else ' class=num'}>"
            f"{escape(format_cell(v, c.kind))}</td>"
            for v, c in zip(row, table.columns, strict=True)
        )
        + "</tr>"
        for row in table.rows
    )
    heading = f"<h2>{escape(table.title)}</h2>" if title else ""
    note = f"<p class=note>{escape(table.note)}</p>" if table.note else ""
    body = f"{TABLE}<tr>{head}</tr>{rows}</table>" if table.rows else "<p class=note>None.</p>"
    return heading + note + body


ChartTag = Callable[[str, Figure], str]


def inline_svg(_key: str, figure: Figure) -> str:
    """A chart drawn into the page as SVG."""
    return f"<figure>{_svg(figure)}</figure>"


def report_html(
    report: MonthlyReport, chart: ChartTag = inline_svg, *, max_deals: int | None = None
) -> str:
    """The page; ``chart`` turns each figure into markup (inline SVG by default).
    ``max_deals`` caps the list of the month's deals."""
    head = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
    )
    sections = report_sections(report, chart, max_deals=max_deals)
    return "\n".join([head, *sections, "</body></html>"])


def report_sections(
    report: MonthlyReport, chart: ChartTag, *, max_deals: int | None = None
) -> list[str]:
    """The page's body as a list of headings, paragraphs, charts and tables, in order.

    The app's preview, which cannot show SVG, passes a ``chart`` that uses images and
    adds the sections one at a time (dft/ui/dialogs/report_dialog.py).
    """
    tables = {t.key: t for t in report_tables(report)}
    headline = "".join(
        f"<tr><td>{escape(label)}</td><td class=num>{escape(format_cell(value, kind))}</td></tr>"
        for label, value, kind in headline_rows(report)
    )
    parts = [
        f"<h1>{escape(report.title)}</h1>",
        f"<p class=sub>Scope: {escape(report.scope.describe())} · generated "
        f"{report.generated_at:%Y-%m-%d %H:%M}</p>",
        f"<h2>Headline</h2>{TABLE}{headline}</table>",
    ]
    if not report.deal_count:
        parts.append(
            f"<p><b>No deals fell through in {report.month.strftime('%B %Y')}</b>"
            " in this scope.</p>"
        )
    else:
        parts.append("<h2>Why deals fell through</h2>")
        parts.append("<p>" + "<br>".join(escape(line) for line in report.split.lines()) + "</p>")
        parts.append(chart("headline", charts.headline_chart(report.categories, title="")))
        parts.append(_table(tables["categories"]))
        parts.append(chart("pareto", charts.pareto_chart(report.causes)))
        keys = ("causes", "roles", "lead_sources", "follow_ups", "overdue", "calibration",
                "callers", "cost")  # fmt: skip
        if max_deals is not None:  # the preview: the calls as far as the PDF lists them
            tables["overdue"] = capped(
                tables["overdue"], MAX_LISTED_CALLS, "overdue calls", report.overdue_call_count
            )
        parts.extend(_table(tables[key]) for key in keys)
    parts.append("<h2>The last twelve months</h2>")
    parts.append(chart("trend", charts.trend_chart(report.trend, title="")))
    parts.append("<h2>Is the change real?</h2>")
    latest = report.control.latest
    if latest is not None:
        parts.append(f"<p><b>{escape(latest.headline())}</b></p>")
    parts.append(chart("control", insight_charts.control_chart_figure(report.control)))
    parts.append(_table(tables["control"]))
    parts.append(chart("cancellation", insight_charts.cancellation_chart(report.cancellation)))
    parts.append(_table(tables["cancellation"]))
    if report.deal_count:
        parts.extend(_table(tables[key]) for key in ("win_back_causes", "win_back_callers"))
        deals = tables["deals"]
        if max_deals is not None:
            deals = capped(
                deals,
                max_deals,
                "deals",
                total=report.deal_count,
                elsewhere=f"A saved PDF lists the first {MAX_LISTED_DEALS:,}; "
                "Excel and CSV list them all.",
            )
        parts.append(_table(deals))
    return parts


def write_html(report: MonthlyReport, path: Path) -> None:
    """Write the report to ``path`` as one self-contained HTML page."""
    path.write_text(report_html(report), encoding="utf-8")
