"""Cell values as spreadsheets and CRM exports write them, read into our types."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from dft.core.money import parse_money
from dft.core.text import FORMULA_TRIGGERS


class DateOrder(StrEnum):
    """How to read 05/06/2024: month first (US CRMs, the default) or day first."""

    MDY = "mdy"
    DMY = "dmy"


class CellError(ValueError):
    """A cell that cannot be read; the importer adds the row and the column."""


_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([AP]M))?)?"
_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})" + _TIME + "$", re.IGNORECASE
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
# Excel counts days from 1899-12-30; a number cell in a date column is such a count.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(18_264, 73_051)  # 1950-01-01 .. 2099-12-31


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


def _check_time(raw: str, hour: str | None, minute: str | None, second: str | None,
                meridiem: str | None) -> None:  # fmt: skip
    """A time after the date is dropped, but only when it is a real time of day."""
    if hour is None:
        return
    hours, minutes, seconds = int(hour), int(minute or 0), int(second or 0)
    hours_ok = 1 <= hours <= 12 if meridiem else hours <= 23
    if not hours_ok or minutes > 59 or seconds > 59:
        raise CellError(f"not a real time of day: {raw!r}")


def read_date(value: object, order: DateOrder = DateOrder.MDY) -> date:
    """ISO ``2024-05-20``, ``5/20/2024``, ``5.11.2026``, ``5/20/2024 7:42`` or a spreadsheet date.

    The day/month order of slashed and dashed dates follows ``order``; a dotted
    date is day-first, as everywhere it is written that way. A date impossible
    in the order (``20/5/2024`` read month-first) is an error, never silently
    swapped; so is an impossible time after it (``5/20/2024 25:10``). A number
    in an Excel cell is Excel's count of days.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and int(value) in _EXCEL_SERIALS:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"not a date: {value!r}")
    raw = text(value)
    if not raw:
        raise CellError("the date is missing")
    iso = _ISO.match(raw)
    if iso:
        _check_time(raw, *iso.groups()[3:7])
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError as exc:
            raise CellError(f"not a real date: {raw!r}") from exc
    numeric = _NUMERIC_DATE.match(raw)
    if not numeric:
        raise CellError(f"not a date: {raw!r} (use YYYY-MM-DD or M/D/YYYY)")
    first, separator, second, year_text = numeric.groups()[:4]
    _check_time(raw, *numeric.groups()[4:8])
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    day_first = separator == "." or order == DateOrder.DMY
    month, day = (int(second), int(first)) if day_first else (int(first), int(second))
    try:
        return date(year, month, day)
    except ValueError as exc:
        hint = " (are the dates day-first?)" if not day_first else ""
        raise CellError(f"not a real date: {raw!r}{hint}") from exc


@dataclass(frozen=True)
class DateReading:
    """How one sample cell reads in the chosen order: the date, or why not."""

    raw: str
    read_as: date | None
    problem: str | None


def preview_dates(samples: Iterable[object], order: DateOrder) -> list[DateReading]:
    """Read sample cells as the import would, so a person can see the order is right."""
    readings = []
    for value in samples:
        raw = value.isoformat() if isinstance(value, date) else text(value)
        try:
            readings.append(DateReading(raw, read_date(value, order), None))
        except CellError as exc:
            readings.append(DateReading(raw, None, str(exc)))
    return readings


def date_order_hint(samples: Iterable[object]) -> DateOrder | None:
    """The order the samples prove (a first number above 12 is a day), or None."""
    for value in samples:
        match = _NUMERIC_DATE.match(text(value)) if isinstance(value, str) else None
        if match is None or match.group(2) == ".":
            continue
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            return DateOrder.DMY
        if second > 12 >= first:
            return DateOrder.MDY
    return None


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


def text_at(values: Sequence[object], index: int | None) -> str:
    """The text of the cell at ``index`` ("" when the file or the row has no such cell)."""
    if index is None or index >= len(values):
        return ""
    return text(values[index])


def once_per_value(reader: Callable[[object], Any]) -> Callable[[object], Any]:
    """``reader`` run once per distinct cell: a file repeats its dates and amounts
    over thousands of rows. An error is kept as its message and raised again."""
    results: dict[tuple[type, object], tuple[bool, Any]] = {}

    def read(value: object) -> Any:
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        known = results.get(key)
        if known is None:
            try:
                known = (True, reader(value))
            except CellError as exc:
                known = (False, str(exc))
            if len(results) < DISTINCT_VALUES_KEPT:
                results[key] = known
        ok, result = known
        if not ok:
            raise CellError(result)
        return result

    return read


DISTINCT_VALUES_KEPT = 50_000


def read_choice(value: object, allowed: frozenset[str], what: str) -> str | None:
    """One of ``allowed`` (``partly refunded`` reads as ``partly_refunded``), or None when blank."""
    raw = text(value).casefold().replace(" ", "_")
    if not raw:
        return None
    if raw not in allowed:
        choices = ", ".join(sorted(a.replace("_", " ") for a in allowed))
        raise CellError(f"{what} must be one of {choices}: {text(value)!r}")
    return raw


def first_contact(value: str) -> tuple[str, bool]:
    """A CRM may put several numbers or addresses in one cell: keep the first."""
    for separator in (",", ";"):
        if separator in value:
            return value.split(separator, 1)[0].strip(), True
    return value, False
