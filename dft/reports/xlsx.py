"""The report's data as an Excel workbook: a sheet per table, real numbers and dates."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell as XlCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dft.core.text import spreadsheet_text
from dft.reports.monthly import MonthlyReport
from dft.reports.tables import Cell, Kind, headline_rows, report_tables

CURRENCY_FORMAT = '"$"#,##0.00'
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _set(cell: XlCell, value: Cell, kind: Kind) -> None:
    if value is None:
        return
    if kind is Kind.MONEY:
        # Dollars as a number with a currency format: Excel sums it; cents stay exact
        # because every amount has at most two decimals.
        cell.value = int(value) / 100  # type: ignore[arg-type]
        cell.number_format = CURRENCY_FORMAT
    elif kind is Kind.SHARE:
        cell.value = float(value)  # type: ignore[arg-type]
        cell.number_format = SHARE_FORMAT
    elif kind is Kind.DATE:
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif kind is Kind.INT:
        cell.value = int(value)  # type: ignore[arg-type]
    elif kind is Kind.NUMBER:
        cell.value = float(value)  # type: ignore[arg-type]
        cell.number_format = "0.0"
    elif kind is Kind.CHANGE:
        cell.value = int(value)  # type: ignore[arg-type]
        cell.number_format = "+0;-0;0"
    else:
        cell.value = spreadsheet_text(str(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with


def write_xlsx(report: MonthlyReport, path: Path) -> None:
    """Write the report to ``path`` as an Excel workbook, one sheet per table."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    _set(summary["A1"], report.title, Kind.TEXT)
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = "Month"
    summary["B2"] = report.month
    summary["B2"].number_format = "mmmm yyyy"
    summary["A3"] = "Scope"
    _set(summary["B3"], report.scope.describe(), Kind.TEXT)
    summary["A4"] = "Generated"
    summary["B4"] = report.generated_at
    summary["B4"].number_format = "yyyy-mm-dd hh:mm"
    for offset, (label, value, kind) in enumerate(headline_rows(report), start=6):
        summary.cell(row=offset, column=1, value=label)
        _set(summary.cell(row=offset, column=2), value, kind)
    summary.column_dimensions["A"].width = 46
    summary.column_dimensions["B"].width = 22

    for table in report_tables(report):
        sheet = workbook.create_sheet(table.title[:31].replace("/", "-"))
        for column, spec in enumerate(table.columns, start=1):
            cell = sheet.cell(row=1, column=column, value=spec.title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            sheet.column_dimensions[get_column_letter(column)].width = max(
                12, min(60, int(spec.width * 14))
            )
        for row_number, row in enumerate(table.rows, start=2):
            for column, (value, spec) in enumerate(zip(row, table.columns, strict=True), start=1):
                _set(sheet.cell(row=row_number, column=column), value, spec.kind)
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
