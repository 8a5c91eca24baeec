"""Reports > Monthly report: pick a month, see it, save it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from dft.reports.chart_process import drawing_process_running
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.report_dialog import MonthlyReportDialog


def built(qtbot: Any, dialog: MonthlyReportDialog) -> None:
    """Wait for the preview being built in the background."""
    qtbot.waitUntil(lambda: not dialog.building, timeout=30_000)


@pytest.fixture
def dialog(qtbot: Any, context: AppContext) -> MonthlyReportDialog:
    report_dialog = MonthlyReportDialog(context)
    qtbot.addWidget(report_dialog)
    report_dialog.show()
    built(qtbot, report_dialog)
    return report_dialog


def test_choosing_a_month_updates_the_preview(qtbot: Any, dialog: MonthlyReportDialog) -> None:
    assert dialog.selected_month() == date(2026, 10, 1)  # the month just ended
    dialog.month.setCurrentIndex(dialog.month.findData("2026-09-01"))
    assert dialog.building
    built(qtbot, dialog)
    assert dialog.report is not None
    assert dialog.report.month == date(2026, 9, 1)
    text = dialog.preview.toPlainText()
    assert "Lost contracts report — September 2026" in text
    assert f"{dialog.report.deal_count} deals in September 2026" == dialog.status.text()


def test_the_preview_lists_the_first_deals_and_says_where_all_are(
    qtbot: Any, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.ui.dialogs import report_dialog

    monkeypatch.setattr(report_dialog, "PREVIEW_DEALS", 2)
    dialog = MonthlyReportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    built(qtbot, dialog)
    assert dialog.report is not None
    assert dialog.report.deal_count > 2
    assert len(dialog.report.deals) == 2  # read no more than it shows
    text = " ".join(dialog.preview.toPlainText().split())
    assert (
        f"There are {dialog.report.deal_count} deals; the first 2 are listed. "
        "A saved PDF lists the first 500; Excel and CSV list them all."
    ) in text


def test_saving_writes_the_chosen_month_to_the_file(
    qtbot: Any, dialog: MonthlyReportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "september.pdf"
    monkeypatch.setattr(ask, "ask_save_path", lambda *_a: str(target))
    dialog.month.setCurrentIndex(dialog.month.findData("2026-09-01"))
    dialog.salesperson.setCurrentIndex(1)
    built(qtbot, dialog)
    person = dialog.salesperson.currentText()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved"), timeout=30_000)
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Lost contracts report — September 2026" in text
    assert f"salesperson {person}" in text
    assert not drawing_process_running()  # the charts' process is not kept idle


def test_the_preview_builds_in_the_background_with_progress_and_can_be_stopped(
    qtbot: Any, context: AppContext
) -> None:
    report_dialog = MonthlyReportDialog(context)
    qtbot.addWidget(report_dialog)
    report_dialog.show()
    # Building: the progress and Stop show, and the dialog's controls stay usable.
    assert report_dialog.building
    assert report_dialog.progress.isVisible()
    assert report_dialog.stop_button.isVisible()
    assert report_dialog.status.text().startswith("Building the preview of October 2026")
    steps: list[tuple[int, int]] = []
    report_dialog.builder.progressed.connect(lambda done, total: steps.append((done, total)))
    qtbot.mouseClick(report_dialog.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not report_dialog.building, timeout=30_000)
    assert report_dialog.status.text() == "Preview stopped. Pick a month to build it again."
    assert report_dialog.report is None
    assert report_dialog.preview.toPlainText() == ""
    assert not report_dialog.stop_button.isVisible()
    assert not report_dialog.print_button.isEnabled()
    # Another month starts it again, this time to the end, step by step.
    steps.clear()
    report_dialog.month.setCurrentIndex(report_dialog.month.findData("2026-08-01"))
    with qtbot.waitSignal(report_dialog.builder.finished, timeout=30_000):
        pass
    assert report_dialog.report is not None
    assert report_dialog.report.month == date(2026, 8, 1)
    assert "Lost contracts report — August 2026" in report_dialog.preview.toPlainText()
    assert steps[-1][0] == steps[-1][1]
    assert [done for done, _total in steps] == sorted(done for done, _total in steps)
    assert not report_dialog.progress.isVisible()
    assert report_dialog.print_button.isEnabled()


def test_a_new_month_chosen_while_building_replaces_the_running_preview(
    qtbot: Any, context: AppContext
) -> None:
    report_dialog = MonthlyReportDialog(context)
    qtbot.addWidget(report_dialog)
    report_dialog.show()
    report_dialog.month.setCurrentIndex(report_dialog.month.findData("2026-07-01"))
    report_dialog.month.setCurrentIndex(report_dialog.month.findData("2026-09-01"))
    with qtbot.waitSignal(report_dialog.builder.finished, timeout=30_000) as delivered:
        pass
    assert delivered.args[1] is None  # only the latest run's answer arrives
    assert report_dialog.report is not None
    assert report_dialog.report.month == date(2026, 9, 1)
    assert "September 2026" in report_dialog.status.text()


def test_the_preview_page_has_every_section_in_order_each_on_its_own_lines(
    dialog: MonthlyReportDialog,
) -> None:
    from dft.reports.html import report_html

    assert dialog.report is not None
    lines = dialog.preview.toPlainText().splitlines()
    # The HTML report's headings, in its order (the preview adds its page a section
    # at a time, and no section may run into the one before it).
    page = report_html(dialog.report)
    headings = [h.split("</h2>")[0] for h in page.split("<h2>")[1:]]
    assert len(headings) > 10
    at = 0
    for heading in headings:  # some are also the label of a headline row
        at = lines.index(heading.replace("&#x27;", "'"), at + 1)
    assert lines[0] == dialog.report.title
    assert lines[1].startswith("Scope: all salespeople and communities")


def test_the_preview_tables_have_no_gaps_between_cells_and_charts_are_not_scaled(
    dialog: MonthlyReportDialog,
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument, QTextImageFormat, QTextTable

    from dft.reports.html import QT_STYLE, STYLE
    from dft.ui.dialogs.report_dialog import PREVIEW_WIDTH

    # The file's style collapses borders; Qt, which lays that out slowly, is not asked to.
    assert "border-collapse" in STYLE
    assert "border-collapse" not in QT_STYLE
    document = dialog.preview.document()
    tables = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) > 10
    assert all(table.format().cellSpacing() == 0 for table in tables)
    images = []
    block = document.begin()
    while block.isValid():
        for fragment in (it.fragment() for it in block):
            char_format = fragment.charFormat()
            if char_format.isImageFormat():
                images.append(QTextImageFormat(char_format))
        block = block.next()
    assert len(images) == 5  # headline, pareto, trend, control, cancellation
    for image in images:
        drawn = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
        assert 0 < drawn.width() <= PREVIEW_WIDTH
        assert image.width() in (0, drawn.width())  # shown at the size it was drawn
