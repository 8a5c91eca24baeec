"""Write a report in the format its file name asks for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dft.core.errors import ValidationError
from dft.reports.csv_report import write_csv
from dft.reports.html import write_html
from dft.reports.monthly import MonthlyReport
from dft.reports.pdf import write_pdf
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


def write_report(report: MonthlyReport, path: Path) -> None:
    """Write to a temporary file beside ``path`` and rename: never a half-written report.

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
        writer(report, partial)
