"""Each report format, parsed back: headline numbers, the split, exactly the month's deals."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pypdfium2
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dft.core.demo import generate_demo_data
from dft.reports.monthly import MonthlyReport, ReportScope, build_monthly_report
from dft.reports.render import write_report
from dft.reports.tables import insight_tables, report_tables
from dft.store.database import Database
from dft.store.files import FileWriteError
from tests.reports.conftest import (
    LAND_VALUE,
    OCTOBER,
    OCTOBER_CLIENTS,
    OTHER_CLIENTS,
    SERVICE_VALUE,
    TODAY,
)

TOTAL_CENTS = 7 * LAND_VALUE + 17 * SERVICE_VALUE


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_report_model(october_report: MonthlyReport) -> None:
    assert october_report.deal_count == 24
    assert october_report.lost_value_cents == TOTAL_CENTS
    split = october_report.land_share_of_land_and_service
    assert split is not None
    assert round(split.value * 100, 1) == 29.2
    assert october_report.referral_deals == 2
    assert [d.client_name for d in october_report.deals] == OCTOBER_CLIENTS
    assert october_report.comparison.previous.deals == 1
    notes = {d.client_name: d.latest_note for d in october_report.deals}
    assert notes["Serviceclient 03"] == "Nobody called back (3)."


def test_pdf(october_report: MonthlyReport, out: Path) -> None:
    path = out / "october.pdf"
    write_report(october_report, path)
    pages = pdf_pages(path)
    text = "\n".join(pages)
    assert "Lost contracts report — October 2026" in text
    assert "Deals fell through" in text
    assert "24" in text
    assert "$5,500,008.50" in text  # 7 × $300,000 + 17 × $200,000.50, to the cent
    assert "29% / 71%" in text
    assert "29.2%" in text
    assert "70.8%" in text
    flat = re.sub(r"\s+", " ", text)
    for client in OCTOBER_CLIENTS:
        assert client in flat
    for client in OTHER_CLIENTS:
        assert client not in flat
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_pdf_first_page_renders_to_png(october_report: MonthlyReport, out: Path) -> None:
    path = out / "october.pdf"
    write_report(october_report, path)
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=1).to_pil()
    png = out / "page1.png"
    image.save(png)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert image.width > 500
    # A blank page would be one colour; a report page has text and a chart.
    low, high = image.convert("L").getextrema()
    assert high - low > 100
    assert len(image.convert("L").histogram()) == 256
    assert sum(1 for count in image.convert("L").histogram() if count) > 20


def test_xlsx(october_report: MonthlyReport, out: Path) -> None:
    path = out / "october.xlsx"
    write_report(october_report, path)
    workbook = load_workbook(path)
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows(min_row=6)}
    assert summary["Deals that fell through"].value == 24
    lost = summary["Contract value lost"]
    assert lost.value == pytest.approx(TOTAL_CENTS / 100)
    assert "$" in lost.number_format
    assert summary["Land share of land + service"].value == pytest.approx(7 / 24)
    assert workbook["Summary"]["B2"].value == datetime(2026, 10, 1)
    categories = workbook["By category"]
    rows = {r[0].value: r for r in categories.iter_rows(min_row=2)}
    assert rows["Land"][2].value == 7
    assert rows["Land"][3].value == pytest.approx(7 / 24)
    assert rows["Land"][3].number_format == "0.0%"
    deals = workbook["The month's deals"]
    names = [r[0].value for r in deals.iter_rows(min_row=2)]
    assert names == OCTOBER_CLIENTS
    first = next(deals.iter_rows(min_row=2, max_row=2))
    assert first[2].value == pytest.approx(LAND_VALUE / 100)
    assert isinstance(first[3].value, datetime)
    assert first[3].value.date() == date(2026, 10, 1)
    assert set(workbook.sheetnames) >= {"Summary", "Causes, largest first", "Lead sources"}
    # Excel allows 31 characters: every sheet is named by its table's whole title.
    titles = {table.title for table in [*report_tables(october_report),
                                        *insight_tables(october_report)]}  # fmt: skip
    assert set(workbook.sheetnames) - {"Summary"} <= titles


def test_csv(october_report: MonthlyReport, out: Path) -> None:
    path = out / "october.csv"
    write_report(october_report, path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert list(rows[0]) == ["section", "label", "value", "deals", "share", "lost_value", "details"]
    headline = {r["label"]: r["value"] for r in rows if r["section"] == "headline"}
    assert headline["Deals that fell through"] == "24"
    assert headline["Contract value lost"] == "5500008.50"
    categories = {r["label"]: r for r in rows if r["section"] == "categories"}
    assert categories["Land"]["share"] == "0.2917"
    assert categories["Customer service"]["share"] == "0.7083"
    assert [r["label"] for r in rows if r["section"] == "deals"] == OCTOBER_CLIENTS


def test_html(october_report: MonthlyReport, out: Path) -> None:
    path = out / "october.html"
    write_report(october_report, path)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "<svg" in html
    assert "29.2%" in html
    for client in OCTOBER_CLIENTS:
        assert client in html
    for client in OTHER_CLIENTS:
        assert client not in html


def test_a_report_built_for_the_pdf_reads_only_the_deals_it_lists(
    october_db: Database, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.reports import pdf, render

    monkeypatch.setattr(pdf, "MAX_LISTED_DEALS", 3)
    monkeypatch.setattr(render, "MAX_LISTED_DEALS", 3)
    path = out / "october.pdf"
    with october_db.sessions.begin() as session:
        report = build_monthly_report(
            session, OCTOBER, today=TODAY, deal_limit=render.deal_limit_for(path)
        )
    assert len(report.deals) == 3
    assert report.deal_count == 24
    write_report(report, path)
    flat = re.sub(r"\s+", " ", "\n".join(pdf_pages(path)))
    assert "There are 24 deals; the first 3 are listed." in flat
    with pytest.raises(ValueError, match="lists every deal"):
        write_report(report, out / "october.xlsx")  # a spreadsheet must never be short
    assert not (out / "october.xlsx").exists()


def test_the_apps_preview_lists_the_first_deals_and_says_where_the_rest_are(
    october_report: MonthlyReport,
) -> None:
    from dft.reports.html import report_html

    preview = report_html(october_report, max_deals=3)
    deals_table = preview.rsplit("<h2>", 1)[1]  # the last table: the month's deals
    listed = [client for client in OCTOBER_CLIENTS if client in deals_table]
    assert len(listed) == 3
    assert (
        f"There are {october_report.deal_count} deals; the first 3 are listed. "
        "A saved PDF lists the first 500; Excel and CSV list them all."
    ) in deals_table


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".csv", ".html"])
def test_an_empty_month_is_a_valid_report_that_says_so(
    database: Database, out: Path, suffix: str
) -> None:
    with database.sessions.begin() as session:
        report = build_monthly_report(session, date(2026, 8, 1), today=TODAY)
    assert report.deal_count == 0
    path = out / f"empty{suffix}"
    write_report(report, path)
    if suffix == ".pdf":
        assert "No deals fell through in August 2026" in "\n".join(pdf_pages(path))
    elif suffix == ".xlsx":
        summary = load_workbook(path)["Summary"]
        assert {r[0].value: r[1].value for r in summary.iter_rows(min_row=6)}[
            "Deals that fell through"
        ] == 0
    elif suffix == ".csv":
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        assert [r for r in rows if r["section"] == "deals"] == []
    else:
        assert "No deals fell through in August 2026" in path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_long_month_runs_to_numbered_pages(database: Database, out: Path) -> None:
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=7000, seed=11, today=TODAY)
        report = build_monthly_report(session, OCTOBER, today=TODAY)
    assert report.deal_count > 250
    path = out / "long.pdf"
    write_report(report, path)
    pages = pdf_pages(path)
    assert len(pages) > 8
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    # Every deal of the month made it in (and its row was not cut in half).
    text = re.sub(r"\s+", " ", "\n".join(pages))
    for deal in report.deals:
        assert deal.contract_number in text


def test_scope_narrows_to_a_salesperson(october_db: Database, out: Path) -> None:
    with october_db.sessions.begin() as session:
        report = build_monthly_report(
            session, OCTOBER, ReportScope(salesperson="dana whitfield"), today=TODAY
        )
    assert report.deal_count == 17
    assert report.scope.describe() == "salesperson dana whitfield"


def test_spreadsheet_text_is_never_a_formula(october_db: Database, out: Path) -> None:
    from tests.factories import add_deal

    with october_db.sessions.begin() as session:
        add_deal(session, "Other", client_name='=HYPERLINK("http://x","click")',
                 fell_through_on=date(2026, 10, 30), signed_on=None)  # fmt: skip
        report = build_monthly_report(session, OCTOBER, today=TODAY)
    write_report(report, out / "r.xlsx")
    write_report(report, out / "r.csv")
    cell = next(
        r[0]
        for r in load_workbook(out / "r.xlsx")["The month's deals"].iter_rows(min_row=2)
        if "HYPERLINK" in str(r[0].value)
    )
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")
    assert "'=HYPERLINK" in (out / "r.csv").read_text(encoding="utf-8")


def test_a_failed_write_leaves_no_partial_file(
    october_report: MonthlyReport, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.reports import render

    def broken(_report: MonthlyReport, path: Path) -> None:
        path.write_text("half")
        raise OSError("disk full")

    monkeypatch.setitem(render.WRITERS, ".pdf", broken)
    with pytest.raises(FileWriteError, match="disk full") as caught:
        write_report(october_report, out / "r.pdf")
    assert f"cannot write {out / 'r.pdf'}" in str(caught.value)
    assert ".partial" not in str(caught.value)
    assert list(out.iterdir()) == []


def test_timing_recovery_and_deposits_are_in_the_report(october_db: Database, out: Path) -> None:
    from tests.factories import add_deal

    with october_db.sessions.begin() as session:
        add_deal(session, "Loan denied", client_name="Depositclient", contract_number="DP-1",
                 signed_on=date(2026, 9, 1), fell_through_on=date(2026, 10, 31),
                 deposit_cents=500_000, deposit_outcome="forfeited",
                 recovered_on=date(2026, 11, 20))  # fmt: skip
        report = build_monthly_report(session, OCTOBER, today=TODAY)
    assert report.timing.median_days == 60
    assert report.recovery.recovered.count == 1
    write_report(report, out / "r.pdf")
    text = re.sub(r"\s+", " ", "\n".join(pdf_pages(out / "r.pdf")))
    assert "Median days from signing to falling through 60" in text
    assert "Deposits forfeited 1 ($5,000.00)" in text
    assert "Buyers won back (re-signed) 4.0% (1 of 25)" in text
