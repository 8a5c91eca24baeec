"""Text that leaves the app: made safe for spreadsheets."""

from __future__ import annotations

# The control characters an Excel file (XML) cannot hold; openpyxl refuses a cell with
# one. Tab, line feed and carriage return stay.
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula or
# command (OWASP "CSV injection"), including the full-width forms Excel also honours.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralize_formula(value: str) -> str:
    """Prefix a quote so a cell beginning with a trigger is shown as text, never run."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet cell (Excel or CSV) holds it: the control characters
    Excel cannot hold removed (a NUL stored by an older version must not sink a report
    or an export), then a formula neutralized (:func:`neutralize_formula`)."""
    return neutralize_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
