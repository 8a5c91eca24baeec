"""The insight sections of the monthly report, in every format, on the October month."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from dft.core import settings
from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, update_deal
from dft.core.models import Deal
from dft.core.signed_contracts import set_signed_contracts
from dft.reports import pdf
from dft.reports.monthly import MonthlyReport, build_monthly_report
from dft.reports.render import write_report
from dft.store.database import Database
from tests.reports.conftest import LAND_VALUE, OCTOBER, TODAY

HEADLINE = "71% controllable — too few earlier months to say what is usual"


@pytest.fixture
def report(october_db: Database) -> MonthlyReport:
    """October plus: 96 contracts signed, a 25% benchmark, $100 a day carrying cost, and
    Landclient 00 (fell through 1 October) re-sold 20 days later for $10,000 less."""
    with october_db.sessions.begin() as session:
        set_signed_contracts(session, OCTOBER, 96)
        settings.set_int(session, settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 2_500)
        settings.set_int(session, settings.CARRYING_COST_CENTS_PER_DAY, 10_000)
        deal_id = session.scalar(select(Deal.id).where(Deal.client_name == "Landclient 00"))
        assert deal_id is not None
        data = with_changes(
            get_deal(session, deal_id).input,
            resold_on=date(2026, 10, 21),
            resale_price_cents=LAND_VALUE - 1_000_000,
        )
        update_deal(session, deal_id, data, today=TODAY)
    with october_db.sessions.begin() as session:
        return build_monthly_report(
            session, OCTOBER, today=TODAY, generated_at=datetime(2026, 11, 24, 9, 30)
        )


def test_the_report_model_carries_the_insights(report: MonthlyReport) -> None:
    dana = next(r for r in report.calibration if r.salesperson == "Dana Whitfield")
    assert (dana.deals, dana.settled, dana.confirmed, dana.changed) == (17, 5, 5, 0)
    assert report.callers.not_recorded.calls == 5  # the calls name no caller
    latest = report.control.latest
    assert latest is not None
    assert (latest.month, latest.deals, latest.controllable) == (OCTOBER, 24, 17)
    assert latest.headline() == HEADLINE
    assert len(report.control.months) == 24
    assert (report.cost.resold, report.cost.carrying_cost_cents) == (1, 200_000)
    assert report.cost.resale_gap_cents == 1_000_000
    rate = report.cancellation.rate
    assert rate is not None
    assert (rate.count, rate.total, report.cancellation.benchmark) == (24, 96, 0.25)
    assert len(report.cancellation.months) == 12


def test_pdf_sections(report: MonthlyReport, tmp_path: Path) -> None:
    path = tmp_path / "october.pdf"
    write_report(report, path)
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(path).pages))
    for heading in ("First guesses against the calls", "Who made the call",
                    "What the fall-throughs cost", "Is the change real?", "Cancellation rate",
                    "Buyers won back"):  # fmt: skip
        assert heading in text
    assert HEADLINE in text
    assert "Dana Whitfield 17 5 5 0 0 0 100.0% 57–100%" in text
    assert "All causes 24 $5,500,008.50" in text
    assert "$2,000.00 $10,000.00" in text  # carrying cost, re-sale price gap
    assert "2026-10 96 24 25.0% 25.0%" in text
    # No win-back call this month: one sentence, not "None." above a table of zeros.
    assert pdf.NO_WIN_BACKS in text
    assert "Win-back caller" not in text


def test_xlsx_sheets_have_real_numbers(report: MonthlyReport, tmp_path: Path) -> None:
    path = tmp_path / "october.xlsx"
    write_report(report, path)
    workbook = load_workbook(path)
    for title in ("First guesses against the calls", "Who made the call",
                  "Controllable share by month", "What the fall-throughs cost",
                  "Cancellation rate by month", "Buyers won back, by cause",
                  "Buyers won back, by who called"):  # fmt: skip
        assert title in workbook.sheetnames
    cost = {row[0].value: row for row in workbook["What the fall-throughs cost"].iter_rows()}
    assert cost["All causes"][2].value == pytest.approx(5_500_008.50)
    assert cost["All causes"][7].value == pytest.approx(2_000.00)
    assert cost["Lot not buildable"][6].value == 20.0  # median days to re-sell
    control = list(workbook["Controllable share by month"].iter_rows(values_only=True))
    assert control[-1][:4] == ("2026-10", 24, 17, pytest.approx(17 / 24))
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows()}
    assert summary["Against the earlier months"] == HEADLINE


def test_csv_and_html_sections(report: MonthlyReport, tmp_path: Path) -> None:
    path = tmp_path / "october.csv"
    write_report(report, path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    sections = {r["section"] for r in rows}
    assert {"calibration", "callers", "control", "cost", "cancellation",
            "win_back_causes", "win_back_callers"} <= sections  # fmt: skip
    dana = next(r for r in rows if r["section"] == "calibration" and r["label"] == "Dana Whitfield")
    assert dana["deals"] == "17"
    assert "Confirmed share=1.0000" in dana["details"]
    october = next(r for r in rows if r["section"] == "cancellation" and r["label"] == "2026-10")
    assert "Rate=0.2500" in october["details"]
    html = tmp_path / "october.html"
    write_report(report, html)
    page = html.read_text(encoding="utf-8")
    assert "<h2>Is the change real?</h2>" in page
    assert HEADLINE in page
    assert page.count("<svg") == 5  # headline, causes, trend, control, cancellation
