"""Write a report in the format its file name asks for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from dft.core.errors import ValidationError
from dft.reports.chart_process import start_drawing_process
from dft.reports.csv_report import write_csv
from dft.reports.html import write_html
from dft.reports.monthly import MonthlyReport, ReportCharts, ReportScope, build_monthly_report
from dft.reports.pdf import PdfCharts, order_pdf_charts, write_pdf
from dft.reports.tables import MAX_LISTED_DEALS
from dft.reports.xlsx import write_xlsx
from dft.store.files import replacing

WRITERS: dict[str, Callable[[MonthlyReport, Path], None]] = {
    ".pdf": write_pdf,
    ".xlsx": write_xlsx,
    ".csv": write_csv,
    ".html": write_html,
    ".htm": write_html,
}


def deal_limit_for(path: Path) -> int | None:
    """How many of the month's deals the format at ``path`` lists (None: all)."""
    return MAX_LISTED_DEALS if path.suffix.lower() == ".pdf" else None


@dataclass(frozen=True)
class ReportRead:
    """A report read for a file: the report, and for a PDF its charts, already ordered."""

    report: MonthlyReport
    pdf_charts: PdfCharts | None


def read_report_for(
    session: Session, path: Path, month: date, scope: ReportScope, *, today: date | None = None
) -> ReportRead:
    """The month's report as the file at ``path`` lists it. For a PDF, the drawing
    process starts first and its charts are ordered as soon as what they show is
    read: they are drawn on the other core while the rest is read and laid out."""
    ordered: list[PdfCharts] = []

    def charts_known(shown: ReportCharts) -> None:
        ordered.append(order_pdf_charts(shown))

    pdf = path.suffix.lower() == ".pdf"
    if pdf:
        start_drawing_process()
    report = build_monthly_report(
        session,
        month,
        scope,
        today=today,
        deal_limit=deal_limit_for(path),
        charts_known=charts_known if pdf else None,
    )
    return ReportRead(report, ordered[0] if ordered else None)


def write_report(report: MonthlyReport, path: Path, pdf_charts: PdfCharts | None = None) -> None:
    """Write to a temporary file beside ``path`` and rename: never a half-written report.
    ``pdf_charts``: a PDF's charts, ordered while the report was read (:func:`read_report_for`).

    A file replaced keeps its permissions; a full disk or a folder that cannot be
    written is a FileWriteError naming ``path`` (dft/store/files.py).
    """
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValidationError(
            "--out", f"unknown report format {path.suffix!r}: use .pdf, .xlsx, .csv or .html"
        )
    limit = deal_limit_for(path)
    if not report.lists_every_deal and (limit is None or len(report.deals) < limit):
        raise ValueError(f"{path.name} lists every deal; this report was built with fewer")
    if not path.parent.is_dir():
        raise ValidationError("--out", f"folder {path.parent} does not exist")
    with replacing(path) as (partial,):
        if writer is write_pdf:
            write_pdf(report, partial, pdf_charts)
        else:
            writer(report, partial)
