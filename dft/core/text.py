"""Text that leaves the app: made safe for spreadsheets."""

from __future__ import annotations

import functools
import re

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula or
# command (OWASP "CSV injection"), including the full-width forms Excel also honours.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralize_formula(value: str) -> str:
    """Prefix a quote so a cell beginning with a trigger is shown as text, never run."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@functools.cache
def _not_in_a_spreadsheet() -> re.Pattern[str]:
    # The control characters an Excel file (XML) cannot hold, as openpyxl knows them
    # (tab, line feed and carriage return stay). Imported when first needed: openpyxl
    # brings numpy, which opening the window does without.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet cell (Excel or CSV) holds it: the control characters
    Excel cannot hold removed (a NUL stored by an older version must not sink a report
    or an export), then a formula neutralized (:func:`neutralize_formula`)."""
    return neutralize_formula(_not_in_a_spreadsheet().sub("", value))
