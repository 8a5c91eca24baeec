"""The PDF's look: margins, colours, paragraph styles, the paragraph that sets any
script, and the canvas that numbers the pages (dft/reports/pdf.py lays the report out)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph as PlainParagraph

from dft.reports.pdf_fonts import SANS, SANS_BOLD, with_fallback

MARGIN = 0.6 * inch
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#D9D9D9")
HEADER_FILL = colors.HexColor("#1F4E79")
STRIPE = colors.HexColor("#F3F6FA")

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("ReportTitle", parent=_styles["Title"], alignment=0, fontSize=20,
                       leading=24, textColor=HEADER_FILL, spaceAfter=2,
                       fontName=SANS_BOLD)  # fmt: skip
SUBTITLE = ParagraphStyle("Subtitle", parent=_styles["Normal"], textColor=MUTED, fontSize=9,
                          fontName=SANS)  # fmt: skip
# A heading never ends a page: it goes with what it introduces.
HEADING = ParagraphStyle("Heading", parent=_styles["Heading2"], fontSize=13, leading=16,
                         textColor=HEADER_FILL, spaceBefore=12, spaceAfter=4,
                         keepWithNext=1, fontName=SANS_BOLD)  # fmt: skip
BODY = ParagraphStyle("Body", parent=_styles["Normal"], fontSize=9, leading=12, textColor=INK,
                      fontName=SANS)  # fmt: skip
NOTE = ParagraphStyle("Note", parent=BODY, textColor=MUTED, fontSize=8, leading=10)
DEALS_HEADING = ParagraphStyle("DealsHeading", parent=HEADING, keepWithNext=0)
# A table's note stays with its table.
TABLE_NOTE = ParagraphStyle("TableNote", parent=NOTE, keepWithNext=1)
CELL = ParagraphStyle("Cell", parent=BODY, fontSize=7.5, leading=9.5)
CELL_RIGHT = ParagraphStyle("CellRight", parent=CELL, alignment=TA_RIGHT)
HEAD_CELL = ParagraphStyle("HeadCell", parent=CELL, textColor=colors.white,
                           fontName=SANS_BOLD)  # fmt: skip
HEAD_CELL_RIGHT = ParagraphStyle("HeadCellRight", parent=HEAD_CELL, alignment=TA_RIGHT)
# Names and causes wrap between words only: "Montgomery-Fairweather" stays whole.
CELL_WORDS = ParagraphStyle("CellWords", parent=CELL, splitLongWords=0)
FOLDED_NOTE = ParagraphStyle("FoldedNote", parent=CELL_WORDS, textColor=MUTED, leftIndent=8)
FOOTER = ParagraphStyle("Footer", parent=BODY, fontSize=7.5, leading=9, textColor=MUTED)
BIG = ParagraphStyle("Big", parent=BODY, fontSize=18, leading=22, fontName=SANS_BOLD,
                     textColor=INK)  # fmt: skip


class Paragraph(PlainParagraph):
    """A paragraph whose characters the body font lacks are set in a font that has them,
    broken into lines once for each width it is laid out at."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__(with_fallback(text), style)
        self._wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Its size at ``availWidth``: a table lays a cell out when it measures its rows
        and again when it draws them, at the same width, and the lines do not change."""
        if availWidth != self._wrapped_at:
            super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
        return self.width, self.height


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
        self.setFont(SANS, 7.5)
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        self.line(MARGIN, 0.45 * inch, width - MARGIN, 0.45 * inch)
        # A paragraph, not drawString: the scope may name someone in any script.
        footer = Paragraph(escape(self._footer), FOOTER)
        footer.wrapOn(self, width - 2 * MARGIN - inch, 0.2 * inch)
        footer.drawOn(self, MARGIN, 0.3 * inch - 2)
        self.drawRightString(width - MARGIN, 0.3 * inch, f"Page {self._pageNumber} of {total}")
