"""The report as a PDF a manager forwards: numbered pages, tables that never split a row."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dft.analytics import charts, insight_charts
from dft.analytics.split import percent_pair
from dft.core.money import format_cents
from dft.core.words import count_of
from dft.reports.chart_process import OrderedChart, Pixels
from dft.reports.monthly import MAX_LISTED_CALLS, MonthlyReport, ReportCharts
from dft.reports.pdf_fonts import SANS, body_font_has, register_fonts
from dft.reports.pdf_paging import PagedTable, RowGroup
from dft.reports.pdf_styles import (
    BIG,
    BODY,
    CELL,
    CELL_RIGHT,
    CELL_WORDS,
    DEALS_HEADING,
    FOLDED_NOTE,
    HEAD_CELL,
    HEAD_CELL_RIGHT,
    HEADER_FILL,
    HEADING,
    INK,
    MARGIN,
    NOTE,
    RULE,
    STRIPE,
    SUBTITLE,
    TABLE_NOTE,
    TITLE,
    NumberedCanvas,
    Paragraph,
)
from dft.reports.tables import (
    CONTROL_NOTE,
    MAX_LISTED_DEALS,
    Cell,
    Column,
    Kind,
    Table,
    capped,
    format_cell,
    report_tables,
)

# Charts as pixels at print resolution (vector output would need a converter).
CHART_DPI = 200


class Picture(Flowable):
    """A chart drawn ``width`` wide, centred, as reportlab's Image does with a file.
    Its pixels are awaited when it is first laid out (they may be drawn elsewhere)."""

    def __init__(self, chart: OrderedChart, width: float) -> None:
        super().__init__()
        self._chart = chart
        self._pixels: Pixels | None = None
        self.drawWidth, self.drawHeight = width, 0.0
        self.hAlign = "CENTER"

    def _drawn(self) -> Pixels:
        if self._pixels is None:
            self._pixels = self._chart.pixels()
            inches_wide, inches_high = self._pixels.inches
            self.drawHeight = self.drawWidth * inches_high / inches_wide
        return self._pixels

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Its size, whatever the room."""
        self._drawn()
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        """The pixels, scaled to the size: taken as they are, no PNG in between."""
        pixels = ImageReader(self._drawn().image())
        self.canv.drawImage(pixels, 0, 0, self.drawWidth, self.drawHeight)


PdfCharts = dict[str, OrderedChart]


def order_pdf_charts(shown: ReportCharts) -> PdfCharts:
    """The PDF's charts, ordered as soon as what they show is known: the drawing
    process draws them while the rest of the report is read and laid out. In the
    page's order, the first being wanted first."""
    ordered: PdfCharts = {}
    if shown.deal_count:
        ordered["headline"] = OrderedChart(
            charts.headline_chart, shown.categories, title="By category", dpi=CHART_DPI
        )
        ordered["pareto"] = OrderedChart(charts.pareto_chart, shown.causes, title="", dpi=CHART_DPI)
    ordered["trend"] = OrderedChart(charts.trend_chart, shown.trend, title="", dpi=CHART_DPI)
    ordered["control"] = OrderedChart(
        insight_charts.control_chart_figure, shown.control, dpi=CHART_DPI
    )
    ordered["cancellation"] = OrderedChart(
        insight_charts.cancellation_chart, shown.cancellation, dpi=CHART_DPI
    )
    return ordered


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
        parts.insert(0, Paragraph(escape(table.note), TABLE_NOTE))
    return parts


# The month's deals: identifiers are never broken, not even at a space; the latest
# call's note, empty for most deals, is folded under its deal instead of taking a
# column; at least this many deals end the table together (no orphan rows).
IDENTIFIERS = ("Contract",)
FOLDED = "Latest follow-up note"
LAST_ROWS_TOGETHER = 4
CELL_PADDING = 3
# Room the heading, the header row and the first deals need: less left, a new page.
DEALS_START_AT_LEAST = 2.2 * inch


def _text_width(text: str, style: ParagraphStyle) -> float:
    return float(stringWidth(text, style.fontName, style.fontSize))


def _widths_from_content(
    columns: list[Column], texts: list[list[str]], width: float
) -> list[float]:
    """Column widths from what the columns hold: wide enough for every identifier and
    every word, the room left shared out towards each column's longest value."""
    pad = 2 * CELL_PADDING + 6  # a visible gap between neighbours
    least, most = [], []
    for j, column in enumerate(columns):
        values = [row[j] for row in texts]
        head = max(_text_width(word, HEAD_CELL) for word in column.title.split())
        if column.kind is not Kind.TEXT or column.title in IDENTIFIERS:
            whole = max((_text_width(v, CELL) for v in values), default=0.0)
            least.append(max(whole, head) + pad)
            most.append(least[-1])
        else:
            words = [w for v in values for w in v.split()]
            longest_word = max((_text_width(w, CELL_WORDS) for w in words), default=0.0)
            longest = max((_text_width(v, CELL_WORDS) for v in values), default=0.0)
            least.append(max(longest_word, head) + pad)
            most.append(max(longest, head) + pad)
    spare = width - sum(least)
    if spare < 0:
        # Wider than the page even at its narrowest: shrink evenly (never seen with the
        # columns' lengths, which the services check).
        return [w * width / sum(least) for w in least]
    growth = [m - n for m, n in zip(most, least, strict=True)]
    taken = min(spare, sum(growth))
    widths = [n + (taken * g / sum(growth) if taken else 0.0)
              for n, g in zip(least, growth, strict=True)]  # fmt: skip
    # Any room still left goes to the columns that wrap, so they wrap less.
    wrapping = [j for j, g in enumerate(growth) if g > 0] or list(range(len(widths)))
    for j in wrapping:
        widths[j] += (spare - taken) / len(wrapping)
    return widths


def _deal_cell(text: str, column: Column, room: float) -> Paragraph | str:
    # A plain string is laid out many times faster than a paragraph (500 deals are a
    # few thousand cells): only text that must wrap, between words, is a paragraph.
    if not body_font_has(text):  # a plain string has no fallback font
        return Paragraph(escape(text), CELL_WORDS if column.kind is Kind.TEXT else CELL_RIGHT)
    if column.kind is not Kind.TEXT or column.title in IDENTIFIERS:
        return text
    if _text_width(text, CELL_WORDS) <= room:
        return text
    return Paragraph(escape(text), CELL_WORDS)


def _deals_table(table: Table, width: float) -> list[Any]:
    """The month's deals laid out from their content (see IDENTIFIERS and FOLDED)."""
    if not table.rows:
        return [Paragraph("None.", NOTE)]
    folded = [i for i, c in enumerate(table.columns) if c.title == FOLDED]
    kept = [
        i
        for i, c in enumerate(table.columns)
        if c.title != FOLDED and any(row[i] not in (None, "") for row in table.rows)
    ]
    columns = [table.columns[i] for i in kept]
    texts = [[format_cell(row[i], table.columns[i].kind) for i in kept] for row in table.rows]
    widths = _widths_from_content(columns, texts, width)
    rooms = [w - 2 * CELL_PADDING for w in widths]
    header = [Paragraph(escape(c.title), HEAD_CELL if c.kind is Kind.TEXT else HEAD_CELL_RIGHT)
              for c in columns]  # fmt: skip
    style: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("FONTNAME", (0, 1), (-1, -1), SANS),
        ("FONTSIZE", (0, 1), (-1, -1), CELL.fontSize),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *(("PADDING", (0, 0), (-1, -1), CELL_PADDING),),
        *(("ALIGN", (j, 1), (j, -1), "RIGHT") for j, c in enumerate(columns)
          if c.kind is not Kind.TEXT),
    ]  # fmt: skip
    groups = []
    for number, (row, cells) in enumerate(zip(table.rows, texts, strict=True)):
        group = RowGroup([[
            _deal_cell(text, column, room)
            for text, column, room in zip(cells, columns, rooms, strict=True)
        ]])  # fmt: skip
        note = str(row[folded[0]] or "") if folded else ""
        if note:
            group.rows.append([Paragraph(f"<i>Latest follow-up note:</i> {escape(note)}",
                                         FOLDED_NOTE), *[""] * (len(columns) - 1)])  # fmt: skip
            group.style.append(("SPAN", (0, 1), (-1, 1)))
        # A deal and its folded note: one stripe, one rule under both.
        last = len(group.rows) - 1
        group.style.append(("LINEBELOW", (0, last), (-1, last), 0.25, RULE))
        if number % 2:
            group.style.append(("BACKGROUND", (0, 0), (-1, last), STRIPE))
        groups.append(group)
    grid = PagedTable(header, groups, widths, style, last_together=LAST_ROWS_TOGETHER)
    grid.measure()  # now, while the drawing process draws the charts (order_pdf_charts)
    # The note in plain NOTE style: kept with the table, reportlab would lay the whole
    # table out to see whether both fit, and start a new page when they did not.
    return [Paragraph(escape(table.note), NOTE), grid] if table.note else [grid]


def _headline(report: MonthlyReport, width: float) -> Flowable:
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
         " / ".join(percent_pair(split)) if split else "—",
         f"of the {count_of(split.total, 'deal')} whose cause was land or service" if split
         else "no land or service deals")
    )  # fmt: skip
    box_width = width / len(boxes)
    cells = [
        [Paragraph(escape(label), NOTE), Paragraph(escape(value), _fitting(value, box_width)),
         Paragraph(escape(sub), NOTE)]
        for label, value, sub in boxes
    ]  # fmt: skip
    grid = LongTable([cells], colWidths=[box_width] * len(cells))
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


def _trend_insights(
    report: MonthlyReport,
    tables: dict[str, Table],
    ordered: PdfCharts,
    width: float,
) -> list[Any]:
    """The control chart and the cancellation rate, then win-backs when there are deals."""
    story: list[Any] = [
        KeepTogether([
            Paragraph("Is the change real?", HEADING),
            Picture(ordered["control"], width),
            Paragraph(escape(CONTROL_NOTE), NOTE),
        ]),
        KeepTogether([
            Paragraph("Cancellation rate", HEADING),
            Picture(ordered["cancellation"], width * 0.9),
            *_table(tables["cancellation"], width * 0.7),
        ]),
    ]  # fmt: skip
    if report.deal_count:
        won_back = _with_win_backs(tables["win_back_causes"])
        story.append(Paragraph("Buyers won back", HEADING))
        if won_back.rows:
            story += [
                *_table(won_back, width * 0.85),
                Spacer(1, 6),
                *_table(tables["win_back_callers"], width * 0.7),
            ]
        else:  # not "None." above a table of nothing but zeros
            story.append(Paragraph(NO_WIN_BACKS, BODY))
    return story


NO_WIN_BACKS = "No win-back call was made on these deals, and no buyer was won back."


def _with_win_backs(table: Table) -> Table:
    """On paper, only the causes with a win-back call or a buyer won back."""
    kept = tuple(row for row in table.rows if row[2] or row[3])
    note = f"{table.note} Causes with neither a win-back call nor a buyer won back are left out."
    return replace(table, rows=kept, note=note)


def _fitting(value: str, box_width: float) -> ParagraphStyle:
    """The big figure's style, its type made smaller where the figure would not fit whole
    on one line ("$10,124,186.00" is never broken)."""
    room = box_width - 14  # the cell's own padding, and a little air
    size = min(BIG.fontSize, BIG.fontSize * room / max(_text_width(value, BIG), 1.0))
    return ParagraphStyle("BigFitting", parent=BIG, fontSize=size, leading=max(size + 4, 14))


def write_pdf(report: MonthlyReport, path: Path, ordered: PdfCharts | None = None) -> None:
    """Write the report to ``path`` as a PDF; ``ordered``: its charts, if they were
    ordered while it was read (:func:`order_pdf_charts`)."""
    register_fonts()
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
    ordered = ordered or order_pdf_charts(report.charts)
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
        said = [f"{count_of(report.deal_count, 'deal')} fell through.",
                *(f"{line}." for line in report.split.lines())]  # fmt: skip
        story += [
            Paragraph("Why deals fell through", HEADING),
            Paragraph("<br/>".join(escape(line) for line in said), BODY),
            *_control_headline(report),
            KeepTogether([
                Picture(ordered["headline"], width * 0.7),
                *_table(tables["categories"], width),
            ]),
            KeepTogether([
                Paragraph("Causes", HEADING),
                Picture(ordered["pareto"], width * 0.8),
            ]),
            *_table(tables["causes"], width),
            Paragraph("Who or what was responsible", HEADING),
            *_table(tables["roles"], width),
            Paragraph("Lead sources", HEADING),
            *_table(tables["lead_sources"], width),
            Paragraph("Follow-up calls, timing and deposits", HEADING),
            *_table(tables["follow_ups"], width * 0.8),
            Paragraph("Overdue follow-up calls", HEADING),
            *_table(capped(
                tables["overdue"], MAX_LISTED_CALLS, "overdue calls", report.overdue_call_count
            ), width * 0.8),
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
                Picture(ordered["trend"], width),
            ]
        )
    )
    story += _trend_insights(report, tables, ordered, width)
    if report.deal_count:
        deals = capped(tables["deals"], MAX_LISTED_DEALS, "deals", total=report.deal_count)
        story += [
            # Room for the heading and the first deals, else a new page; not a
            # keep-with-next, which would lay out the whole long table once more.
            CondPageBreak(DEALS_START_AT_LEAST),
            Paragraph("The month's deals", DEALS_HEADING),
            *_deals_table(deals, width),
        ]
    footer = f"{report.title} · {report.scope.describe()}"
    document.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=footer, **k))
