"""Words and dates as a person reads them: plurals, "Tomorrow", the locale's date format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QLocale

from dft.core.models import Deal
from dft.ui.formatting import due_in_words, format_date, format_date_time, format_month
from dft.ui.main_window import FOLLOW_UPS_TAB, MainWindow
from dft.ui.models.deals_table import COLUMN_INDEX
from tests.ui.conftest import TODAY


@pytest.mark.parametrize(
    ("days", "said"),
    [(-21, "Overdue 21 days"), (-1, "Overdue 1 day"), (0, "Today"), (1, "Tomorrow"),
     (2, "In 2 days")],
)  # fmt: skip
def test_when_a_call_is_due_reads_as_people_say_it(days: int, said: str) -> None:
    assert due_in_words(TODAY + timedelta(days=days), TODAY) == said


def test_the_follow_ups_list_says_tomorrow_and_never_1_days(qtbot: Any, window: MainWindow) -> None:
    deal_id = window.deals_model.deal_id_at(0)

    def due_tomorrow(session: Any) -> None:
        for call in session.get(Deal, deal_id).follow_ups:
            if call.done_at is None:
                call.due_on = TODAY + timedelta(days=1)

    window.context.write(due_tomorrow)
    window.tabs.setCurrentIndex(FOLLOW_UPS_TAB)
    model = window.follow_ups.model
    when = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert "Tomorrow" in when
    assert not [w for w in when if w.startswith("In 1 ") or w.endswith(" 1 days")]


@pytest.fixture(params=[("en_US", "11/24/2026"), ("de_DE", "24.11.2026")], ids=["us", "de"])
def in_locale(request: pytest.FixtureRequest) -> Iterator[str]:
    name, written = request.param
    before = QLocale()
    QLocale.setDefault(QLocale(name))
    yield written
    QLocale.setDefault(before)


def test_the_window_writes_dates_in_the_users_locale(
    qtbot: Any, window: MainWindow, in_locale: str
) -> None:
    assert format_date(TODAY) == in_locale
    window.deals_model.reload()
    row = window.deals_model.row_of(window.deals_model.deal_id_at(0))
    shown = window.deals_model.index(row or 0, COLUMN_INDEX["fell_through_on"]).data()
    deal = window.deals_model.row_data(row or 0)
    assert deal is not None
    assert shown == format_date(deal.fell_through_on)
    assert "-" not in shown  # not ISO
    window.select_row(0)
    window.detail.refresh()
    text = window.detail.browser.toPlainText()
    assert format_date(deal.fell_through_on) in text
    # The history's times too: never ISO in the window.
    assert format_date_time(datetime(2026, 11, 24, 9, 5)).startswith(in_locale)
    history = text.split("History", 1)[-1]
    assert "2026-" not in history


def test_month_names_follow_the_locale(in_locale: str) -> None:
    months = {"11/24/2026": "November 2026", "24.11.2026": "November 2026"}
    assert format_month(date(2026, 11, 1)) == months[in_locale]
    assert format_month(date(2026, 3, 1), short=True) in ("Mar 2026", "März 2026")
