"""Reports > Monthly report: pick a month, see it, save it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.report_dialog import MonthlyReportDialog


@pytest.fixture
def dialog(qtbot: Any, context: AppContext) -> MonthlyReportDialog:
    report_dialog = MonthlyReportDialog(context)
    qtbot.addWidget(report_dialog)
    report_dialog.show()
    return report_dialog


def test_choosing_a_month_updates_the_preview(dialog: MonthlyReportDialog) -> None:
    assert dialog.selected_month() == date(2026, 10, 1)  # the month just ended
    dialog.month.setCurrentIndex(dialog.month.findData("2026-09-01"))
    assert dialog.report is not None
    assert dialog.report.month == date(2026, 9, 1)
    text = dialog.preview.toPlainText()
    assert "Lost contracts report — September 2026" in text
    assert f"{dialog.report.deal_count} deals in September 2026" == dialog.status.text()


def test_saving_writes_the_chosen_month_to_the_file(
    qtbot: Any, dialog: MonthlyReportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "september.pdf"
    monkeypatch.setattr(ask, "ask_save_path", lambda *_a: str(target))
    dialog.month.setCurrentIndex(dialog.month.findData("2026-09-01"))
    dialog.salesperson.setCurrentIndex(1)
    person = dialog.salesperson.currentText()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved"), timeout=30_000)
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Lost contracts report — September 2026" in text
    assert f"salesperson {person}" in text
