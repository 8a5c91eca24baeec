"""Cell values as spreadsheets and CRM exports write them, read into our types."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from dft.core.money import parse_money
from dft.core.text import FORMULA_TRIGGERS


class DateOrder(StrEnum):
    """How to read 05/06/2024: month first (US CRMs, the default) or day first."""

    MDY = "mdy"
    DMY = "dmy"


class CellError(ValueError):
    """A cell that cannot be read; the importer adds the row and the column."""


_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


def is_blank(value: object) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A text cell, trimmed; a quote that an export put before a formula trigger is removed."""
    if value is None:
        return ""
    result = str(value).strip() if not isinstance(value, str) else value.strip()
    if len(result) > 1 and result[0] == "'" and result[1:].startswith(FORMULA_TRIGGERS):
        return result[1:]
    return result


def read_date(value: object, order: DateOrder = DateOrder.MDY) -> date:
    """ISO ``2024-05-20``, ``5/20/2024``, ``5/20/2024 7:42`` or a real spreadsheet date.

    The day/month order of slashed dates follows ``order``; a date impossible in
    that order (``20/5/2024`` read month-first) is an error, never silently swapped.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        raise CellError("the date is missing")
    iso = _ISO.match(raw)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError as exc:
            raise CellError(f"not a real date: {raw!r}") from exc
    numeric = _NUMERIC_DATE.match(raw)
    if not numeric:
        raise CellError(f"not a date: {raw!r} (use YYYY-MM-DD or M/D/YYYY)")
    first, second, year_text = numeric.groups()
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    month, day = (int(first), int(second)) if order == DateOrder.MDY else (int(second), int(first))
    try:
        return date(year, month, day)
    except ValueError as exc:
        hint = " (is it day-first? use --date-format dmy)" if order == DateOrder.MDY else ""
        raise CellError(f"not a real date: {raw!r}{hint}") from exc


def read_money(value: object) -> int:
    """Cents from ``$12,500.00``, ``12500`` or a spreadsheet number."""
    if isinstance(value, bool):
        raise CellError(f"not an amount: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise CellError(f"amount must not be negative: {value}")
        return value * 100
    if isinstance(value, float):
        try:
            amount = Decimal(repr(value))
        except InvalidOperation as exc:
            raise CellError(f"not an amount: {value!r}") from exc
        value = format(amount, "f")
    raw = text(value)
    if not raw:
        raise CellError("the amount is missing")
    try:
        return parse_money(raw)
    except ValueError as exc:
        message = getattr(exc, "message", str(exc))
        raise CellError(message) from exc
