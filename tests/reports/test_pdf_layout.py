"""The PDF's table of the month's deals reads cleanly at 1, 24 and 500 deals: identifiers
whole, no column for what the month does not have, no rows stranded on a page of their own."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dft.core.follow_ups import record_follow_up
from dft.reports import pdf
from dft.reports.monthly import build_monthly_report
from dft.reports.render import deal_limit_for, write_report
from dft.store.database import Database
from tests.factories import add_deal
from tests.reports.conftest import OCTOBER, TODAY

pytestmark = pytest.mark.sqlite_only  # about the page, not the database

CAUSES = (
    "Lot purchase fell through",
    "Zoning or permit denied/delayed",
    "Customer service/Poor communication, no updates",
    "Bought elsewhere / changed mind",
)
NAMES = ("Alexandria Montgomery-Fairweather", "Jo Li", "Bartholomew Vanderbilt-Okonkwo")


def month_of(database: Database, deals: int, *, numbers: bool = True, notes: bool = True) -> Any:
    with database.sessions.begin() as session:
        for i in range(deals):
            deal = add_deal(
                session, CAUSES[i % len(CAUSES)], client_name=f"{NAMES[i % 3]} {i}",
                contract_number=f"HX-202610-{i + 1}/0{i % 3 + 1}" if numbers else None,
                contract_value_cents=1_012_418_600 + i, fell_through_on=date(2026, 10, 1 + i % 28),
                signed_on=None,
            )  # fmt: skip
            if notes and i % 7 == 3:
                record_follow_up(
                    session, deal, outcome="reached", done_at=datetime(2026, 10, 29),
                    client_words="Nobody returned our calls for two weeks.",
                )  # fmt: skip
        return build_monthly_report(session, OCTOBER, today=TODAY, deal_limit=500)


def pages_of(report: Any, out: Path) -> list[str]:
    path = out / "month.pdf"
    write_report(report, path)
    assert deal_limit_for(path) == 500
    return [page.extract_text() for page in PdfReader(path).pages]


def deal_pages(pages: list[str]) -> list[str]:
    first = next(i for i, page in enumerate(pages) if "The month's deals" in page)
    return pages[first:]


@pytest.mark.parametrize("deals", [1, 24, 500])
def test_every_contract_number_and_name_is_whole(database: Database, out: Path, deals: int) -> None:
    report = month_of(database, deals)
    pages = pages_of(report, out)
    text = "\n".join(pages)
    for deal in report.deals:
        assert deal.contract_number in text  # on one line, in one piece
        surname = deal.client_name.split()[1]
        assert surname in text
    assert "$10,124,186.0" in text  # the headline's big figure, never broken either
    last = deal_pages(pages)[-1]
    on_last_page = len(re.findall(r"HX-202610-\d+/0\d", last))
    assert on_last_page >= min(deals, pdf.LAST_ROWS_TOGETHER)  # no rows stranded alone


@pytest.mark.parametrize("deals", [5, 9, 13, 17, 21, 26, 30, 34])
def test_the_table_never_ends_with_a_row_or_two_on_a_page_of_their_own(
    database: Database, out: Path, deals: int
) -> None:
    pages = deal_pages(pages_of(month_of(database, deals), out))
    for page in pages:
        rows = len(re.findall(r"HX-202610-\d+/0\d", page))
        assert rows >= min(deals, pdf.LAST_ROWS_TOGETHER), page
    assert "Client" in pages[-1]  # the header row comes with them


def test_columns_empty_for_the_month_are_left_out_and_notes_fold_under_their_deal(
    database: Database, out: Path
) -> None:
    pages = deal_pages(pages_of(month_of(database, 12, numbers=False), out))
    table = "\n".join(pages)
    header = table.split("The month's deals", 1)[1].split("suspected", 1)[0]
    assert "Contract" not in header  # no deal of the month has a number
    assert "Latest follow-up note" not in header  # never a column of its own
    assert table.count("Latest follow-up note: Nobody returned our calls") == 2  # deals 3, 10


def test_the_donut_does_not_repeat_the_sections_heading(
    database: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles: list[str | None] = []
    build = pdf.charts.headline_chart

    def spy(*args: Any, **kwargs: Any) -> Any:
        titles.append(kwargs.get("title"))
        return build(*args, **kwargs)

    monkeypatch.setattr(pdf.charts, "headline_chart", spy)
    pages = pages_of(month_of(database, 3), out)
    assert "Why deals fell through" in pages[0]
    assert titles
    assert "Why deals fell through" not in titles


def test_names_in_any_script_print_as_typed(database: Database, out: Path) -> None:
    from dft.reports.pdf_fonts import body_font_has, with_fallback

    names = ["Łukasz Dvořák", "Дмитрий Иванов", "Σοφία Παπαδοπούλου", "Zoë Müller-Ştefan"]
    chinese = "王小明"
    # Chinese needs a font of the computer's; where there is one, it is used.
    wide = "<font" in with_fallback(chinese)
    with database.sessions.begin() as session:
        for i, name in enumerate([*names, chinese]):
            add_deal(
                session, CAUSES[i % len(CAUSES)], client_name=name,
                salesperson=f"{name.split()[0]} S", fell_through_on=date(2026, 10, 2 + i),
            )  # fmt: skip
        report = build_monthly_report(session, OCTOBER, today=TODAY, deal_limit=500)
    text = "\n".join(pages_of(report, out))
    for name in names:
        assert body_font_has(name)
        assert name in text
    assert (chinese in text) is wide
    assert "\u25a0" not in text  # no black boxes where letters were


def test_the_deals_table_starts_under_its_heading_and_repeats_its_header_on_every_page(
    database: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paged a page at a time (dft/reports/pdf_paging.py): the heading and the note on
    how many deals are listed are never left alone on a page, and each page of deals
    starts with the column titles."""
    monkeypatch.setattr(pdf, "MAX_LISTED_DEALS", 100)  # a note above the table
    pages = deal_pages(pages_of(month_of(database, 120), out))
    assert len(pages) > 2
    assert "the first 100 are listed" in pages[0]
    assert re.search(r"HX-202610-\d+/0\d", pages[0])  # the first deals under the heading
    for page in pages:
        assert "Client" in page
        assert "Cause" in page
    listed = [n for page in pages for n in re.findall(r"HX-202610-(\d+)/0\d", page)]
    assert len(listed) == len(set(listed)) == 100  # every listed deal once, none lost


def test_rows_measured_a_few_groups_at_a_time_are_as_high_as_in_one_table(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.reports import pdf_paging
    from dft.reports.pdf_paging import PagedTable
    from dft.reports.tables import report_tables

    report = month_of(database, 60)
    deals = next(table for table in report_tables(report) if table.key == "deals")
    pdf.register_fonts()

    def measured(together: int) -> list[float]:
        monkeypatch.setattr(pdf_paging, "MEASURED_TOGETHER", together)
        *_note, grid = pdf._deals_table(deals, pdf.LETTER[0] - 2 * pdf.MARGIN)
        assert isinstance(grid, PagedTable)
        return [grid.measure(), *(h for group in grid._groups for h in group.heights)]

    one_table = measured(10_000)
    assert measured(7) == one_table  # 60 deals in 9 tables, the last one short
    assert len(one_table) > 60  # the header, the deals, their folded notes
    assert len(set(one_table)) > 2  # names that wrap: not all rows alike
