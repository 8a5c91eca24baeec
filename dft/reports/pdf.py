"""The report as a PDF a manager forwards: numbered pages, tables that never split a row."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dft.analytics import charts, insight_charts
from dft.core.money import format_cents
from dft.reports.monthly import MonthlyReport
from dft.reports.tables import (
    CONTROL_NOTE,
    MAX_LISTED_DEALS,
    Cell,
    Kind,
    Table,
    capped,
    format_cell,
    headline_rows,
    report_tables,
)

MARGIN = 0.6 * inch
MAX_LISTED_CALLS = 100
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#D9D9D9")
HEADER_FILL = colors.HexColor("#1F4E79")
STRIPE = colors.HexColor("#F3F6FA")

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("ReportTitle", parent=_styles["Title"], alignment=0, fontSize=20,
                       leading=24, textColor=HEADER_FILL, spaceAfter=2)  # fmt: skip
SUBTITLE = ParagraphStyle("Subtitle", parent=_styles["Normal"], textColor=MUTED, fontSize=9)
HEADING = ParagraphStyle("Heading", parent=_styles["Heading2"], fontSize=13, leading=16,
                         textColor=HEADER_FILL, spaceBefore=12, spaceAfter=4)  # fmt: skip
BODY = ParagraphStyle("Body", parent=_styles["Normal"], fontSize=9, leading=12, textColor=INK)
NOTE = ParagraphStyle("Note", parent=BODY, textColor=MUTED, fontSize=8, leading=10)
CELL = ParagraphStyle("Cell", parent=BODY, fontSize=7.5, leading=9.5)
CELL_RIGHT = ParagraphStyle("CellRight", parent=CELL, alignment=TA_RIGHT)
HEAD_CELL = ParagraphStyle("HeadCell", parent=CELL, textColor=colors.white,
                           fontName="Helvetica-Bold")  # fmt: skip
BIG = ParagraphStyle("Big", parent=BODY, fontSize=18, leading=22, fontName="Helvetica-Bold",
                     textColor=INK)  # fmt: skip


class NumberedCanvas(Canvas):
    """Writes "Page n of N" once the number of pages is known."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:
        """Keep the page until the number of pages is known."""
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw every kept page with its footer, then write the file."""
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.setFont("Helvetica", 7.5)
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        self.line(MARGIN, 0.45 * inch, width - MARGIN, 0.45 * inch)
        self.drawString(MARGIN, 0.3 * inch, self._footer)
        self.drawRightString(width - MARGIN, 0.3 * inch, f"Page {self._pageNumber} of {total}")


def _figure_image(figure: Figure, width: float) -> Image:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200)
    buffer.seek(0)
    fig_width, fig_height = figure.get_size_inches()
    return Image(buffer, width=width, height=width * fig_height / fig_width)


def _cell(value: Cell, kind: Kind) -> Paragraph | str:
    # Only text wraps; numbers and dates are plain strings, which reportlab lays
    # out many times faster than paragraphs (it matters for long tables).
    if kind is Kind.TEXT:
        return Paragraph(escape(format_cell(value, kind)), CELL)
    return format_cell(value, kind)


def _table(table: Table, width: float) -> list[Flowable]:
    total = sum(c.width for c in table.columns)
    widths = [width * c.width / total for c in table.columns]
    header = [Paragraph(escape(c.title), HEAD_CELL) for c in table.columns]
    body = [[_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows]  # fmt: skip
    if not body:
        return [Paragraph("None.", NOTE)]
    grid = LongTable([header, *body], colWidths=widths, repeatRows=1)
    numeric = [i for i, c in enumerate(table.columns) if c.kind is not Kind.TEXT]
    style = [
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric),
        ("FONTSIZE", (0, 1), (-1, -1), CELL.fontSize),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(body) + 1, 2)]
    grid.setStyle(TableStyle(style))
    parts: list[Flowable] = [grid]
    if table.note:
        parts.insert(0, Paragraph(escape(table.note), NOTE))
    return parts


def _headline(report: MonthlyReport, width: float) -> Flowable:
    rows = {label: (value, kind) for label, value, kind in headline_rows(report)}
    now = report.comparison.current
    before = report.comparison.previous

    def delta(now_value: int, then_value: int) -> str:
        change = now_value - then_value
        sign = "+" if change > 0 else ""
        return f"{sign}{change} vs {before.month.strftime('%b')}"

    boxes = [
        ("Deals fell through", str(now.deals), delta(now.deals, before.deals)),
        ("Contract value lost", format_cents(now.lost_value_cents),
         f"{format_cents(before.lost_value_cents)} in {before.month.strftime('%b')}"),
    ]  # fmt: skip
    rate = now.fall_through_rate
    boxes.append(
        ("Fall-through rate", rate.percent() if rate else "—",
         f"of {now.contracts_signed} contracts signed" if rate else "contracts signed not entered")
    )  # fmt: skip
    split = report.land_share_of_land_and_service
    boxes.append(
        ("Land vs service",
         f"{split.value:.0%} / {1 - split.value:.0%}" if split else "—",
         f"{rows['Referral deals lost'][0]} referral deal(s) lost")
    )  # fmt: skip
    cells = [
        [Paragraph(escape(label), NOTE), Paragraph(escape(value), BIG),
         Paragraph(escape(sub), NOTE)]
        for label, value, sub in boxes
    ]  # fmt: skip
    grid = LongTable([cells], colWidths=[width / len(cells)] * len(cells))
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return grid


def _control_headline(report: MonthlyReport) -> list[Any]:
    latest = report.control.latest
    if latest is None or latest.share is None:
        return []
    return [Paragraph(f"<b>Is the change real?</b> {escape(latest.headline())}.", BODY)]


def _trend_insights(report: MonthlyReport, tables: dict[str, Table], width: float) -> list[Any]:
    """The control chart and the cancellation rate, then win-backs when there are deals."""
    story: list[Any] = [
        KeepTogether([
            Paragraph("Is the change real?", HEADING),
            _figure_image(insight_charts.control_chart_figure(report.control), width),
            Paragraph(escape(CONTROL_NOTE), NOTE),
        ]),
        KeepTogether([
            Paragraph("Cancellation rate", HEADING),
            _figure_image(insight_charts.cancellation_chart(report.cancellation), width * 0.9),
            *_table(tables["cancellation"], width * 0.7),
        ]),
    ]  # fmt: skip
    if report.deal_count:
        story += [
            Paragraph("Buyers won back", HEADING),
            *_table(_with_win_backs(tables["win_back_causes"]), width * 0.85),
            Spacer(1, 6),
            *_table(tables["win_back_callers"], width * 0.7),
        ]
    return story


def _with_win_backs(table: Table) -> Table:
    """On paper, only the causes with a win-back call or a buyer won back."""
    kept = tuple(row for row in table.rows if row[2] or row[3])
    note = f"{table.note} Causes with neither a win-back call nor a buyer won back are left out."
    return replace(table, rows=kept, note=note)


def write_pdf(report: MonthlyReport, path: Path) -> None:
    """Write the report to ``path`` as a PDF."""
    width = LETTER[0] - 2 * MARGIN
    document = SimpleDocTemplate(
        str(path),
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=0.75 * inch,
        title=report.title,
        author="DFT Tracker",
        subject=f"Lost contracts, {report.month.strftime('%B %Y')}",
    )
    tables = {t.key: t for t in report_tables(report)}
    story: list[Flowable] = [
        Paragraph(escape(report.title), TITLE),
        Paragraph(
            escape(f"Scope: {report.scope.describe()} · generated "
                   f"{report.generated_at:%Y-%m-%d %H:%M}"),
            SUBTITLE,
        ),
        Spacer(1, 10),
        _headline(report, width),
    ]  # fmt: skip
    if not report.deal_count:
        story += [
            Spacer(1, 12),
            Paragraph(
                f"<b>No deals fell through in {report.month.strftime('%B %Y')}</b> "
                "in this scope. The trend below shows the months around it.",
                BODY,
            ),
        ]
    else:
        split = report.land_share_of_land_and_service
        split_text = (
            f" Of the land and customer-service losses, {split.value:.0%} were land "
            f"and {1 - split.value:.0%} customer service."
            if split
            else ""
        )
        story += [
            Paragraph("Why deals fell through", HEADING),
            Paragraph(escape(f"{report.deal_count} deals fell through.{split_text}"), BODY),
            *_control_headline(report),
            KeepTogether([
                _figure_image(charts.headline_chart(report.categories), width * 0.7),
                *_table(tables["categories"], width),
            ]),
            KeepTogether([
                Paragraph("Causes", HEADING),
                _figure_image(charts.pareto_chart(report.causes), width * 0.8),
            ]),
            *_table(tables["causes"], width),
            Paragraph("Who or what was responsible", HEADING),
            *_table(tables["roles"], width),
            Paragraph("Lead sources", HEADING),
            *_table(tables["lead_sources"], width),
            Paragraph("Follow-up calls, timing and deposits", HEADING),
            *_table(tables["follow_ups"], width * 0.8),
            Paragraph("Overdue follow-up calls", HEADING),
            *_table(capped(tables["overdue"], MAX_LISTED_CALLS, "overdue calls"), width * 0.8),
            Paragraph("First guesses against the calls", HEADING),
            *_table(tables["calibration"], width),
            KeepTogether([Paragraph("Who made the call", HEADING),
                          *_table(tables["callers"], width * 0.8)]),
            Paragraph("What the fall-throughs cost", HEADING),
            *_table(tables["cost"], width),
        ]  # fmt: skip
    story.append(
        KeepTogether(
            [
                Paragraph("The last twelve months", HEADING),
                _figure_image(charts.trend_chart(report.trend), width),
            ]
        )
    )
    story += _trend_insights(report, tables, width)
    if report.deal_count:
        deals = capped(tables["deals"], MAX_LISTED_DEALS, "deals", total=report.deal_count)
        story += [Paragraph("The month's deals", HEADING), *_table(deals, width)]
    footer = f"{report.title} · {report.scope.describe()}"
    document.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=footer, **k))
