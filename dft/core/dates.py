"""Dates as users type them on the command line: ISO days and YYYY-MM months."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dft.core.errors import ValidationError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_iso_date(text: str, field: str) -> date:
    """``YYYY-MM-DD`` as typed for ``field``; ValidationError naming it otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(field, f"not a date (use YYYY-MM-DD): {text!r}") from exc


def parse_month(text: str, field: str = "month") -> date:
    """``"2026-10"`` -> ``date(2026, 10, 1)``."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(field, f"not a month (use YYYY-MM): {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(first_day: date) -> date:
    """The first day of the month after ``first_day``'s."""
    return (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)


def add_months(first_day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``first_day``'s."""
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(first_day: date) -> str:
    """``YYYY-MM``: how a month is named in summaries and exports."""
    return f"{first_day.year:04d}-{first_day.month:02d}"
