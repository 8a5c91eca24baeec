"""Text that leaves the app: made safe for spreadsheets."""

from __future__ import annotations

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula or
# command (OWASP "CSV injection"), including the full-width forms Excel also honours.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralize_formula(value: str) -> str:
    """Prefix a quote so a cell beginning with a trigger is shown as text, never run."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
