"""Cells read as dates and amounts, the way CRMs and spreadsheets write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dft.exchange.values import (
    CellError,
    DateOrder,
    date_order_hint,
    preview_dates,
    read_date,
)


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2024-05-20", DateOrder.MDY, date(2024, 5, 20)),
        ("2024-05-20T14:03:00.000Z", DateOrder.MDY, date(2024, 5, 20)),
        ("2024-05-20 14:03", DateOrder.MDY, date(2024, 5, 20)),
        ("5/20/2024", DateOrder.MDY, date(2024, 5, 20)),
        ("9/8/2026 11:22 AM", DateOrder.MDY, date(2026, 9, 8)),
        ("20/5/2024 23:59:59", DateOrder.DMY, date(2024, 5, 20)),
        # Dotted dates are day-first whatever the chosen order.
        ("5.11.2026", DateOrder.MDY, date(2026, 11, 5)),
        ("05.11.26", DateOrder.DMY, date(2026, 11, 5)),
        (45_631, DateOrder.MDY, date(2024, 12, 5)),  # an Excel day count
        (datetime(2024, 5, 20, 7, 42), DateOrder.MDY, date(2024, 5, 20)),
    ],
)
def test_dates_as_exports_write_them(raw: object, order: DateOrder, expected: date) -> None:
    assert read_date(raw, order) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("5/20/2024 25:10", "not a real time of day"),
        ("5/20/2024 7:61", "not a real time of day"),
        ("5/20/2024 13:10 PM", "not a real time of day"),
        ("2024-05-20T24:00", "not a real time of day"),
        ("20/5/2024", "are the dates day-first?"),
        ("31.2.2024", "not a real date"),
        ("last week", "not a date"),
        (12, "not a date"),
    ],
)
def test_impossible_dates_and_times_are_errors_not_dropped(raw: object, why: str) -> None:
    with pytest.raises(CellError, match=why.replace("?", r"\?")):
        read_date(raw, DateOrder.MDY)


def test_the_preview_shows_how_the_chosen_order_reads_the_samples() -> None:
    samples = ["5/6/2024", "20/5/2024", "2024-05-20", "5.11.2026"]
    month_first = preview_dates(samples, DateOrder.MDY)
    assert [r.read_as for r in month_first] == [
        date(2024, 5, 6),
        None,
        date(2024, 5, 20),
        date(2026, 11, 5),
    ]
    assert month_first[1].problem is not None
    day_first = preview_dates(samples, DateOrder.DMY)
    assert [r.read_as for r in day_first][:2] == [date(2024, 6, 5), date(2024, 5, 20)]
    assert all(r.problem is None for r in day_first)


def test_the_samples_can_prove_the_order() -> None:
    assert date_order_hint(["5/6/2024", "20/5/2024"]) == DateOrder.DMY
    assert date_order_hint(["5/6/2024", "5/20/2024"]) == DateOrder.MDY
    assert date_order_hint(["5/6/2024", "5.11.2026", "2024-05-20"]) is None
