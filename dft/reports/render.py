"""Write a report in the format its file name asks for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dft.core.errors import ValidationError
from dft.reports.csv_report import write_csv
from dft.reports.html import write_html
from dft.reports.monthly import MonthlyReport
from dft.reports.pdf import write_pdf
from dft.reports.xlsx import write_xlsx

WRITERS: dict[str, Callable[[MonthlyReport, Path], None]] = {
    ".pdf": write_pdf,
    ".xlsx": write_xlsx,
    ".csv": write_csv,
    ".html": write_html,
    ".htm": write_html,
}


def write_report(report: MonthlyReport, path: Path) -> None:
    """Write to a temporary file beside ``path`` and rename: never a half-written report."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValidationError(
            "--out", f"unknown report format {path.suffix!r}: use .pdf, .xlsx, .csv or .html"
        )
    if not path.parent.is_dir():
        raise ValidationError("--out", f"folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        writer(report, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
