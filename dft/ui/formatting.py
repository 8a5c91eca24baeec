"""Money and dates as the user's locale writes them; parsing back without floats."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, QTime

from dft.core.errors import ValidationError
from dft.core.money import parse_money

# One plural rule for the window and the command line.
from dft.core.words import count_of as count_of


def locale() -> QLocale:
    """The locale money and dates are written in."""
    return QLocale()


def format_money(cents: int, with_symbol: bool = True) -> str:
    """Cents in the locale's grouping and decimal point, e.g. ``$412,500.00``."""
    loc = locale()
    whole, part = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", "\0")
    text = digits.replace("\0", loc.groupSeparator()) + loc.decimalPoint() + f"{part:02d}"
    if with_symbol:
        symbol = loc.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol) or "$"
        text = f"{symbol}{text}"
    return f"-{text}" if cents < 0 else text


def parse_money_text(text: str, field: str) -> int:
    """Read an amount typed in the locale's way (``1.234,50 €`` or ``$1,234.50``) as cents."""
    loc = locale()
    cleaned = text.strip()
    for symbol in {
        loc.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol),
        loc.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode),
        "$",
    }:
        if symbol:
            cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    # To parse_money's $1,234.50: the group separator through a placeholder, so that a
    # decimal comma (fr_FR: "1 234,50", the group a narrow no-break space) is not
    # taken for a group separator too.
    group, point = loc.groupSeparator(), loc.decimalPoint()
    if group:
        cleaned = cleaned.replace(group, "\0")
    cleaned = cleaned.replace(point, ".").replace("\0", ",")
    try:
        return parse_money(cleaned, field=field)
    except ValidationError as exc:
        raise ValidationError(field, exc.message.replace(repr(cleaned), repr(text))) from exc


def format_date(day: date | None, empty: str = "") -> str:
    """``day`` in the locale's short format with a four-digit year; ``empty`` for None."""
    if day is None:
        return empty
    return locale().toString(to_qdate(day), date_format())


def format_date_time(moment: datetime) -> str:
    """A date and time in the locale's short formats ("11/24/2026 9:05 AM")."""
    qtime = QTime(moment.hour, moment.minute)
    if locale().language() == QLocale.Language.C:
        return f"{format_date(moment.date())} {moment:%H:%M}"
    time_text = locale().toString(qtime, QLocale.FormatType.ShortFormat)
    return f"{format_date(moment.date())} {time_text}"


def format_month(month: date, *, short: bool = False) -> str:
    """A month as the locale names it ("November 2026", "novembre 2026"; short: "Nov 2026")."""
    return locale().toString(to_qdate(month), "MMM yyyy" if short else "MMMM yyyy")


def due_in_words(due: date, today: date) -> str:
    """When a call is due, as a person says it: "Overdue 3 days", "Today", "Tomorrow",
    "In 2 days"."""
    days = (due - today).days
    if days < 0:
        return f"Overdue {count_of(-days, 'day')}"
    if days == 0:
        return "Today"
    if days == 1:
        return "Tomorrow"
    return f"In {count_of(days, 'day')}"


def date_format() -> str:
    """The locale's short date format, but always with a four-digit year."""
    if locale().language() == QLocale.Language.C:
        return "yyyy-MM-dd"  # no locale set (a bare server, CI): ISO reads unambiguously
    fmt = locale().dateFormat(QLocale.FormatType.ShortFormat)
    return fmt if "yyyy" in fmt else fmt.replace("yy", "yyyy")


def to_qdate(day: date) -> QDate:
    """A date as Qt's QDate."""
    return QDate(day.year, day.month, day.day)


def from_qdate(qdate: QDate) -> date:
    """A QDate as a date."""
    return date(qdate.year(), qdate.month(), qdate.day())
