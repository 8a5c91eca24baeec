"""Every parser of user input, fed what hypothesis makes up: each answers with a value
that reads back as written, or with a clear error naming the field - never a crash.

Money (dft/core/money.py and the window's locale-aware reading), dates (the command
line's and the import's date reader), and names of the lists. Rows of CSV and Excel
files are tested by export then import in tests/exchange/test_export.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from dft.core import lists
from dft.core.dates import month_label, parse_iso_date, parse_month
from dft.core.errors import ValidationError
from dft.core.fields import control_character, max_length
from dft.core.models import Community, LeadSource, Salesperson
from dft.core.money import MAX_CENTS, format_cents, parse_money
from dft.exchange.exporter import _money as exported_money
from dft.exchange.values import CellError, DateOrder, read_date, read_money
from dft.store.database import Database

T = TypeVar("T")

# Text as people type and paste it: digits, money and date punctuation, letters of
# any script, spaces of every kind, control characters.
TYPED = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789$,.-/ :()USDAPMTZ+'\u00a0\u202f\t\n\x00"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=30,
)
CENTS = st.integers(min_value=0, max_value=MAX_CENTS)
DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def attempt(parse: Callable[..., T], *args: Any) -> tuple[T | None, Exception | None]:
    """What ``parse(*args)`` gave: its value, or the refusal it raised."""
    try:
        return parse(*args), None
    except (ValidationError, CellError) as error:
        return None, error


def refused_naming(field: str, error: Exception | None) -> bool:
    """True when ``error`` is a refusal that names ``field`` and says why."""
    return isinstance(error, ValidationError) and error.field == field and bool(error.message)


# -- Money ------------------------------------------------------------------------------


@given(TYPED)
@example("$12,500.00")
@example("12,50")
@example("1e5")
@example("٣٠٠")  # Arabic-Indic digits
def test_money_is_cents_or_an_error_naming_the_field(typed: str) -> None:
    cents, error = attempt(parse_money, typed, "deposit_cents")
    if error is not None:
        assert refused_naming("deposit_cents", error), error
    else:
        assert isinstance(cents, int)
        assert 0 <= cents <= MAX_CENTS


@given(CENTS)
def test_money_reads_back_as_written(cents: int) -> None:
    assert parse_money(format_cents(cents)) == cents  # $12,500.00, as the reports write it
    assert parse_money(exported_money(cents)) == cents  # 12500.00, as exports write it
    assert read_money(exported_money(cents)) == cents  # and as the import reads a cell


@given(st.one_of(TYPED, st.integers(), st.floats(), st.booleans(), st.none(), st.decimals()))
def test_a_money_cell_is_cents_or_a_cell_error(value: object) -> None:
    cents, error = attempt(read_money, value)
    if error is not None:
        assert isinstance(error, CellError)
        assert str(error)
    else:
        assert isinstance(cents, int)
        assert cents >= 0


@pytest.fixture(params=["en_US", "de_DE", "fr_FR", "en_IN"])
def user_locale(request: pytest.FixtureRequest) -> Iterator[str]:
    """The window reads money the way the user's locale writes it."""
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale(request.param))
    yield request.param
    QLocale.setDefault(before)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=CENTS, typed=TYPED)
def test_the_windows_money_reads_back_in_every_locale(
    user_locale: str, cents: int, typed: str
) -> None:
    from dft.ui.formatting import format_money, parse_money_text

    for shown in (format_money(cents), format_money(cents, with_symbol=False)):
        assert parse_money_text(shown, "contract_value_cents") == cents, (user_locale, shown)
    _cents, error = attempt(parse_money_text, typed, "contract_value_cents")
    assert error is None or refused_naming("contract_value_cents", error), error


# -- Dates -------------------------------------------------------------------------------


@given(TYPED)
@example("2026-02-30")
@example("0000-01-01")
def test_a_typed_date_is_a_date_or_an_error_naming_the_flag(typed: str) -> None:
    day, error = attempt(parse_iso_date, typed, "--fell-through")
    assert isinstance(day, date) or refused_naming("--fell-through", error), error


@given(TYPED)
@example("2026-13")
@example("2026-00")
def test_a_typed_month_is_a_month_or_an_error_naming_the_flag(typed: str) -> None:
    month, error = attempt(parse_month, typed, "--month")
    assert (month is not None and month.day == 1) or refused_naming("--month", error), error


@given(DAYS)
def test_typed_days_and_months_read_back(day: date) -> None:
    assert parse_iso_date(day.isoformat(), "--on") == day
    first = day.replace(day=1)
    assert parse_month(month_label(first)) == first


@given(
    st.one_of(TYPED, st.integers(), st.floats(), st.none(), st.dates(), st.datetimes()),
    st.sampled_from(DateOrder),
)
@example("20/5/2024", DateOrder.MDY)
@example("5/20/2024 25:99", DateOrder.MDY)
@example("2024-05-20T07:42:00+05:30", DateOrder.MDY)
def test_a_date_cell_is_a_date_or_a_cell_error(value: object, order: DateOrder) -> None:
    day, error = attempt(read_date, value, order)
    if error is not None:
        assert isinstance(error, CellError)
        assert str(error)
    else:
        assert isinstance(day, date)
        assert not isinstance(day, datetime)


@given(
    DAYS,
    st.sampled_from(["", " 07:42", " 19:05:59", "T08:00", "T08:00:00.250Z"]),
    st.sampled_from(["", " 7:42", " 19:05", " 7:42 PM"]),
)
def test_a_date_cell_reads_back_as_written(day: date, iso_time: str, time: str) -> None:
    y, m, d = day.year, day.month, day.day
    assert read_date(f"{day.isoformat()}{iso_time}") == day
    assert read_date(f"{m}/{d}/{y}{time}", DateOrder.MDY) == day
    assert read_date(f"{d}/{m}/{y}{time}", DateOrder.DMY) == day
    assert read_date(f"{m:02d}/{d:02d}/{y}", DateOrder.MDY) == day
    assert read_date(datetime(y, m, d, 7, 42)) == day
    if 2000 <= y <= 2099:  # two-digit years are 20xx
        assert read_date(f"{m}/{d}/{y % 100:02d}", DateOrder.MDY) == day


# -- Names of the lists -----------------------------------------------------------------

NAMES = st.text(
    alphabet=st.one_of(
        st.sampled_from(" \t\u00a0ÉéØøßẞİıΣσςŉǅ'-.\x00\x07\n"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=130,
)


@pytest.fixture
def scratch(database: Database) -> Callable[[], Session]:
    """A new session per example (each is rolled back after it)."""
    return database.sessions


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(model=st.sampled_from([Salesperson, LeadSource, Community]), typed=NAMES)
@example(model=Salesperson, typed="Émile Zola")
@example(model=Salesperson, typed="ÉMILE   zola ")
@example(model=Community, typed="x" * 121)
def test_a_name_is_listed_once_and_found_again_or_refused_naming_the_field(
    scratch: Callable[[], Session], model: Any, typed: str
) -> None:
    session = scratch()
    try:
        entry_id, error = attempt(lists.add_entry, session, model, typed)
        if entry_id is None:
            assert refused_naming("name", error), error
            cleaned = lists.normalize_name(typed)
            too_long = len(cleaned) > (max_length(model.name) or 0)
            assert not cleaned or too_long or control_character(typed) is not None, error
            return
        stored = session.get(model, entry_id)
        assert stored.name == lists.normalize_name(typed)
        # Typed again, in other case and spacing: the same entry, never a second one.
        for again in (typed, f"  {typed.upper()} ", typed.lower()):
            if lists.normalize_name(again).casefold() != stored.name.casefold():
                continue  # upper() of "ß" is "SS": another name, rightly
            found = lists.resolve_entry(session, model, again, create=True)
            assert found is not None
            assert found.id == entry_id
        session.flush()
    finally:
        session.rollback()
        session.close()
