"""File > Import: the mapping step, the preview with problems marked, import and cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from dft.core.models import Deal
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.import_dialog import ImportDialog
from dft.ui.main_window import MainWindow
from tests.ui.conftest import on_next_dialog

CRM = (
    "Deal Name,Amount,Close Date,Why it happened,Deal owner,Pipeline\n"
    'Pat Doe,"$12,500.00",5/20/2024 7:42,Slow response / long waits,Dana Whitfield,Homes\n'
    "Sam Roe,9000,5/21/2024,Loan denied,Dana Whitfield,Homes\n"
)


def count(context: AppContext) -> int:
    return context.read(lambda s: s.scalar(select(func.count()).select_from(Deal)))


@pytest.fixture
def crm_file(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(CRM, encoding="utf-8")
    return path


def test_columns_are_matched_and_the_user_adjusts_them(
    qtbot: Any, context: AppContext, crm_file: Path
) -> None:
    dialog = ImportDialog(context, crm_file)
    qtbot.addWidget(dialog)
    chosen = [combo.currentData() for combo in dialog.combos]
    assert chosen == ["client", "contract_value", "fell_through_on", "", "salesperson", ""]
    assert dialog.problem_cells() == []
    # Map the unrecognised column to the cause: the preview checks it at once.
    dialog.set_field("Why it happened", "cause")
    assert dialog.problem_cells() == []
    dialog.set_field("Pipeline", "cause")  # two columns for one field
    assert not dialog.import_button.isEnabled()
    assert "both mean 'Cause'" in dialog.problems.item(0).text()
    dialog.set_field("Pipeline", "")
    dialog.set_field("Amount", "notes")  # no amount column left
    assert not dialog.import_button.isEnabled()
    dialog.set_field("Amount", "contract_value")
    dialog.set_field("Why it happened", "cause")
    assert dialog.import_button.isEnabled()

    before = count(context)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert count(context) == before + 2
    assert dialog.import_result is not None
    assert dialog.import_result.added == 2


def test_problem_cells_are_marked_in_the_preview(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "client,contract_value,fell_through_on,cause\nA,-5,2024-05-01,Other\nB,100,someday,Other\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(context, path)
    qtbot.addWidget(dialog)
    assert dialog.problem_cells() == [(2, "contract_value"), (3, "fell_through_on")]
    before = count(context)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert "nothing was imported" in dialog.summary.text()
    assert count(context) == before


def test_a_cancelled_import_writes_nothing(qtbot: Any, context: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = "".join(f"Client {i},1000,2024-05-01,Other\n" for i in range(20_000))
    path.write_text("client,contract_value,fell_through_on,cause\n" + rows, encoding="utf-8")
    dialog = ImportDialog(context, path)
    qtbot.addWidget(dialog)
    before = count(context)
    dialog.start_import()
    task = dialog.task
    assert task is not None
    task.cancel()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert dialog.summary.text() == "Cancelled; nothing was imported."
    assert count(context) == before


def test_file_import_from_the_menu(
    qtbot: Any, window: MainWindow, crm_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "ask_open_path", lambda *_a: str(crm_file))

    def accept(dialog: ImportDialog) -> None:
        dialog.set_field("Why it happened", "cause")
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    on_next_dialog(ImportDialog, accept)
    before = window.deals_model.rowCount()
    window.import_action.trigger()
    assert window.deals_model.rowCount() == before + 2
    assert "Imported 2 deals" in window.statusBar().currentMessage()


def test_file_export_writes_the_filtered_deals(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "export.xlsx"
    monkeypatch.setattr(ask, "ask_save_path", lambda *_a: str(target))
    window.filter_bar.status.setCurrentIndex(window.filter_bar.status.findData("confirmed"))
    shown = window.deals_model.rowCount()
    with qtbot.waitSignal(window.context.announced, timeout=30_000):
        window.export_action.trigger()
    sheet = load_workbook(target)["Deals"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == shown
    status_column = list(header).index("cause_status")
    assert {r[status_column] for r in rows} == {"confirmed"}
