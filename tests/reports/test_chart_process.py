"""The PDF's charts, drawn by a second process while the report is read and laid out."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from dft.analytics import charts
from dft.reports import chart_process
from dft.reports.chart_process import (
    OrderedChart,
    draw,
    drawing_process_ready,
    drawing_process_running,
    start_drawing_process,
    stop_drawing_process,
)
from dft.reports.monthly import MonthlyReport, ReportCharts, ReportScope, build_monthly_report
from dft.reports.render import read_report_for, write_report
from dft.store.database import Database
from tests.reports.conftest import OCTOBER, TODAY


@pytest.fixture
def drawing_process() -> Iterator[None]:
    start_drawing_process()
    assert drawing_process_ready(timeout=60)
    yield
    stop_drawing_process()


@pytest.fixture
def no_drawing_process() -> Iterator[None]:
    stop_drawing_process()
    yield
    stop_drawing_process()


def test_without_the_process_a_chart_is_drawn_here(
    october_report: MonthlyReport, no_drawing_process: None
) -> None:
    ordered = OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=100)
    assert ordered.pixels() == draw(charts.trend_chart, (october_report.trend,), {"title": ""}, 100)


def test_the_process_draws_the_very_pixels_drawn_here(
    october_report: MonthlyReport, drawing_process: None
) -> None:
    ordered = OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=100)
    assert ordered._future is not None  # sent to the other process
    drawn = ordered.pixels()
    here = draw(charts.trend_chart, (october_report.trend,), {"title": ""}, 100)
    assert (drawn.width, drawn.height, drawn.inches) == (here.width, here.height, here.inches)
    assert drawn.image().tobytes() == here.image().tobytes()
    assert drawn.width == round(here.inches[0] * 100)


def test_a_chart_the_process_cannot_be_sent_is_drawn_here(drawing_process: None) -> None:
    calls: list[str] = []

    def made_on_the_fly() -> Figure:  # the other process cannot find it by name
        calls.append("drawn")
        return Figure(figsize=(2, 1))

    ordered = OrderedChart(made_on_the_fly, dpi=50)
    assert ordered._future is None
    assert ordered.pixels().width == 100
    assert calls == ["drawn"]


def test_when_the_process_dies_charts_are_drawn_here_and_the_log_says_so(
    october_report: MonthlyReport, drawing_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    ready = OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=50)
    ready.pixels()
    running = chart_process._process
    assert running is not None
    for process in list(running._processes.values()):  # type: ignore[attr-defined]
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    with caplog.at_level(logging.WARNING, logger=chart_process.__name__):
        late = OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=50)
        assert late.pixels() == draw(charts.trend_chart, (october_report.trend,), {"title": ""}, 50)
    assert "charts are drawn in this process" in caplog.text
    assert not drawing_process_running()


def test_what_the_charts_show_is_told_before_the_rest_is_read(october_db: Database) -> None:
    told: list[ReportCharts] = []
    with october_db.read_sessions.begin() as session:
        report = build_monthly_report(session, OCTOBER, today=TODAY, charts_known=told.append)
    assert told == [report.charts]
    assert told[0].deal_count == report.deal_count > 0


def test_a_pdf_read_with_the_process_has_its_five_charts(
    october_db: Database, tmp_path: Path, drawing_process: None
) -> None:
    target = tmp_path / "october.pdf"
    with october_db.read_sessions.begin() as session:
        read = read_report_for(session, target, OCTOBER, ReportScope(), today=TODAY)
    assert read.pdf_charts is not None
    assert list(read.pdf_charts) == ["headline", "pareto", "trend", "control", "cancellation"]
    assert all(chart._future is not None for chart in read.pdf_charts.values())
    write_report(read.report, target, read.pdf_charts)
    images = [image for page in PdfReader(target).pages for image in page.images]
    assert len(images) == 5
    assert all(image.image is not None and image.image.width > 500 for image in images)


def test_other_formats_start_no_process(
    october_db: Database, tmp_path: Path, no_drawing_process: None
) -> None:
    with october_db.read_sessions.begin() as session:
        read = read_report_for(session, tmp_path / "o.xlsx", OCTOBER, ReportScope(), today=TODAY)
    assert read.pdf_charts is None
    assert not drawing_process_running()


def test_while_the_process_still_loads_a_chart_wanted_is_drawn_here(
    october_report: MonthlyReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import Future

    class Loading:  # a process that has not loaded its libraries yet
        def submit(self, *_args: Any) -> Future[Any]:
            return Future()

    # As on a small database: the report is written before the process has started.
    monkeypatch.setattr(chart_process, "_process", Loading())
    monkeypatch.setattr(chart_process, "_started", Future())
    ordered = OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=50)
    assert ordered._future is not None
    assert ordered.pixels() == draw(charts.trend_chart, (october_report.trend,), {"title": ""}, 50)
    assert ordered._future.cancelled()


def test_stopping_ends_a_process_still_loading_its_libraries(no_drawing_process: None) -> None:
    start_drawing_process()
    running = chart_process._process
    assert running is not None
    workers = list(running._processes.values())  # type: ignore[attr-defined]
    stop_drawing_process()
    assert workers
    assert all(not worker.is_alive() for worker in workers)
    assert not drawing_process_running()
    assert not drawing_process_ready()


def test_a_chart_ordered_before_the_process_is_stopped_is_still_drawn(
    october_report: MonthlyReport, drawing_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    from concurrent.futures import Future

    here = draw(charts.trend_chart, (october_report.trend,), {"title": ""}, 50)
    ordered = [OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=50)]
    # One whose turn had not come when the process was stopped: cancelled.
    cancelled: Future[Any] = Future()
    cancelled.cancel()
    ordered.append(OrderedChart(charts.trend_chart, october_report.trend, title="", dpi=50))
    ordered[1]._future = cancelled
    with caplog.at_level(logging.WARNING, logger=chart_process.__name__):
        stop_drawing_process()
        assert [chart.pixels() for chart in ordered] == [here, here]
    assert caplog.text == ""  # stopped on purpose: nothing to warn about
