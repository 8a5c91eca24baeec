"""A cause or category named with dollar signs is drawn as typed, in every chart and report.

matplotlib reads text between two ``$`` as mathtext: ``Fee $1_2_3$`` would be drawn
with subscripts, and ``Upgrade cost $5k vs $\\frac{1}{$`` is not valid mathtext at
all, so drawing it raised ValueError and sank the monthly PDF and HTML report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from pypdf import PdfReader
from PySide6.QtCore import QSettings

from dft.analytics import charts
from dft.analytics.breakdowns import by_category, by_cause, monthly_trend
from dft.analytics.follow_ups import follow_up_metrics
from dft.analytics.split import split_by_salesperson
from dft.core.queries import DealFilter
from dft.core.taxonomy import add_category, add_cause, find_category
from dft.reports.monthly import build_monthly_report
from dft.reports.render import deal_limit_for, write_report
from dft.store.database import Database
from dft.ui.context import AppContext
from dft.ui.main_window import MainWindow
from tests.factories import add_deal

TODAY = date(2026, 11, 24)
OCTOBER = date(2026, 10, 1)
NAMES = ("Fee $1_2_3$", "Upgrade cost $5k vs $\\frac{1}{$")
CATEGORY = "Costs $ and $fees$"
SALESPERSON = "Sam $x^2$ Lee"


@pytest.fixture
def dollars(database: Database) -> Database:
    with database.sessions.begin() as session:
        category = add_category(session, CATEGORY, controllable=True)
        service = find_category(session, "Customer service").id
        add_cause(session, category, NAMES[0])
        add_cause(session, service, NAMES[1])
        for day, spec in enumerate(
            (f"{CATEGORY}/{NAMES[0]}", f"Customer service/{NAMES[1]}", "Lot not buildable")
        ):
            add_deal(session, spec, client_name=f"Client {day}", contract_number=f"D-{day}",
                     salesperson=SALESPERSON, fell_through_on=date(2026, 10, 5 + day))  # fmt: skip
    return database


def user_texts(figure: Figure) -> list[Text]:
    """The texts that carry one of the names, drawn once so every tick label exists."""
    FigureCanvasAgg(figure).draw()
    found = [t for t in figure.findobj(Text) if "$" in t.get_text()]
    return [t for t in found if any(part in t.get_text() for part in ("Fee", "Upgrade", "Costs",
                                                                         "Sam"))]  # fmt: skip


def assert_literal(figure: Figure) -> None:
    texts = user_texts(figure)
    assert texts
    for text in texts:
        assert not cbook.is_math_text(text.get_text()), text.get_text()


def test_every_chart_draws_dollar_signs_literally(dollars: Database) -> None:
    month = DealFilter(fell_from=OCTOBER, fell_to=date(2026, 10, 31), today=TODAY)
    with dollars.sessions.begin() as session:
        figures = [
            charts.headline_chart(by_category(session, month)),
            charts.pareto_chart(by_cause(session, month)),
            charts.lost_value_chart(by_cause(session, month)),
            charts.trend_chart(monthly_trend(session, month, OCTOBER, 12)),
            charts.salesperson_chart(split_by_salesperson(session, month)),
        ]
        funnel = charts.funnel_chart(follow_up_metrics(session, month, TODAY))
    for figure in figures:
        assert_literal(figure)
    FigureCanvasAgg(funnel).draw()
    # As read: an escaped \$ is drawn as $, and long names wrap onto several lines.
    drawn = " | ".join(
        t.get_text().replace("\\$", "$").replace("\n", " ") for f in figures for t in user_texts(f)
    )
    for name in (*NAMES, CATEGORY, SALESPERSON):
        assert name in drawn


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_the_monthly_report_is_written_with_the_names_as_typed(
    dollars: Database, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"october{suffix}"
    with dollars.sessions.begin() as session:
        report = build_monthly_report(session, OCTOBER, today=TODAY, deal_limit=deal_limit_for(out))
        write_report(report, out)
    if suffix == ".pdf":
        text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    else:
        import html

        text = html.unescape(out.read_text(encoding="utf-8"))
    for name in NAMES:
        assert name in text


def test_the_dashboard_draws_the_names_as_typed(
    qtbot: Any, dollars: Database, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(AppContext(dollars, settings, today=lambda: TODAY), lambda *_a: None)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.waitUntil(lambda: window.dashboard.built)
    for key in ("headline", "pareto", "value", "people"):
        assert_literal(window.dashboard.panels[key].figure)
    window.close()
