"""File > Import: columns by their labels, a cause per value, the summary with Undo, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from dft.core.models import Category, Cause, Deal
from dft.exchange.columns import IMPORT_FIELDS
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.import_dialog import ImportDialog
from dft.ui.main_window import MainWindow
from dft.ui.operations.exchange import undo_import
from tests.ui.conftest import on_next_dialog

CRM = (
    "Deal Name,Amount,Close Date,Why it happened,Deal owner,Pipeline\n"
    'Pat Doe,"$12,500.00",5/20/2024 7:42,Customer service,Quinn Newhire,Homes\n'
    "Sam Roe,9000,5/21/2024,Loan denyed,Quinn Newhire,Homes\n"
    "Kim Poe,9500,5/22/2024,Martians,Quinn Newhire,Homes\n"
)


def count(context: AppContext) -> int:
    return context.read(lambda s: s.scalar(select(func.count()).select_from(Deal)))


def causes_of(context: AppContext, *clients: str) -> dict[str, str]:
    category = aliased(Category)

    def read(session: Any) -> dict[str, str]:
        rows = session.execute(
            select(Deal.client_name, category.name, Cause.name)
            .join(Cause, Deal.cause_id == Cause.id)
            .join(category, Cause.category_id == category.id)
            .where(Deal.client_name.in_(clients))
        )
        return {client: f"{group} › {cause}" for client, group, cause in rows}

    return context.read(read)


def open_dialog(qtbot: Any, context: AppContext, path: Path) -> ImportDialog:
    dialog = ImportDialog(context, path)
    dialog._undo = lambda records, done: undo_import(dialog, context, records, done)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    return dialog


def idle(qtbot: Any, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)


def to_causes(qtbot: Any, dialog: ImportDialog) -> None:
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.values_page, dialog.message.text()


def pick(qtbot: Any, picker: QComboBox, text: str) -> None:
    """Open the picker's list and click ``text`` in it, as a user does (then it shows)."""
    picker.showPopup()
    view = picker.view()
    row = picker.findText(text)
    assert row >= 0, text
    index = picker.model().index(row, 0)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert not picker.view().isVisible()


def every_text(dialog: ImportDialog) -> list[str]:
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    texts += [
        combo.itemText(i) for combo in dialog.findChildren(QComboBox) for i in range(combo.count())
    ]
    return [*texts, dialog.columns_page.create_causes.toolTip()]


@pytest.fixture
def crm_file(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(CRM, encoding="utf-8")
    return path


def test_fields_show_by_their_labels_with_the_required_ones_marked(
    qtbot: Any, context: AppContext, crm_file: Path
) -> None:
    dialog = open_dialog(qtbot, context, crm_file)
    page = dialog.columns_page
    assert [combo.currentText() for combo in page.combos] == [
        "Client *", "Contract value *", "Fell through on *", "— do not import —", "Salesperson",
        "— do not import —",
    ]  # fmt: skip
    offered = [page.combos[0].itemText(i) for i in range(page.combos[0].count())]
    assert "Stage when lost" in offered
    assert "Link in the CRM" in offered
    assert not [text for text in every_text(dialog) if "_" in text or "--" in text]
    assert not any(field in text for text in every_text(dialog) for field in IMPORT_FIELDS
                   if "_" in field)  # fmt: skip
    assert "Other" not in page.create_causes.toolTip()
    assert page.problem_cells() == []
    page.set_field("Pipeline", "salesperson")  # two columns for one field
    assert not dialog.next_button.isEnabled()
    assert "both mean 'Salesperson'" in page.problem_texts()[0]
    page.set_field("Pipeline", "")
    page.set_field("Amount", "notes")  # no contract value left
    assert not dialog.next_button.isEnabled()
    assert dialog.message.text() == "Choose a column for each field marked *."
    page.set_field("Amount", "contract_value")
    assert dialog.next_button.isEnabled()


def test_the_date_order_previews_how_the_files_dates_read(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("client,contract_value,fell_through_on,cause\nA,1,03/04/2024,Other\n", "utf-8")
    dialog = open_dialog(qtbot, context, path)
    page = dialog.columns_page
    assert "03/04/2024 reads as" in page.date_preview.text()
    assert "March" in page.date_preview.text()
    page.date_order.setCurrentIndex(page.date_order.findData("dmy"))
    assert "April" in page.date_preview.text()


def test_pick_a_values_cause_in_the_table_and_import(
    qtbot: Any, context: AppContext, crm_file: Path
) -> None:
    dialog = open_dialog(qtbot, context, crm_file)
    dialog.columns_page.set_field("Why it happened", "cause")
    to_causes(qtbot, dialog)
    page = dialog.values_page
    assert [(v.label, v.rows) for v in page.values] == [
        ("Customer service", 1), ("Loan denyed", 1), ("Martians", 1),
    ]  # fmt: skip
    goes_to = [picker.currentText() for picker in page.pickers]
    assert goes_to == [
        "Customer service › Unspecified", "Financing › Loan denied", "Choose a cause…",
    ]  # fmt: skip
    assert page.needs_review() == ["Loan denyed", "Martians"]  # the suggestion and nothing alike
    assert not dialog.import_button.isEnabled()
    assert "Choose a cause for 1 more value" in dialog.message.text()

    pick(qtbot, page.pickers[2], "Other › Other")
    assert page.pickers[2].currentText() == "Other › Other"
    assert page.needs_review() == ["Loan denyed"]
    assert dialog.import_button.isEnabled()
    before = count(context)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.summary_page
    assert count(context) == before + 3
    assert causes_of(context, "Pat Doe", "Sam Roe", "Kim Poe") == {
        "Pat Doe": "Customer service › Unspecified",
        "Sam Roe": "Financing › Loan denied",
        "Kim Poe": "Other › Other",
    }
    summary = dialog.summary_page
    assert summary.headline.text() == "Added 3 deals from 3 rows of crm.csv."
    assert "3 deals fell through more than 30 days ago: history, so no automatic call." in (
        summary.details.text()
    )
    went = [summary.table.item(r, 2).text() for r in range(summary.table.rowCount())]
    assert went == ["Customer service › Unspecified", "Financing › Loan denied", "Other › Other"]


def test_a_new_cause_in_a_category_then_undo_takes_everything_back(
    qtbot: Any, context: AppContext, crm_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[list[str], str]] = []

    def new_cause(_parent: object, categories: list[str], name: str) -> tuple[str, str]:
        asked.append((categories, name))
        return "Other", "Space debris"

    monkeypatch.setattr(ask, "ask_new_cause", new_cause)
    dialog = open_dialog(qtbot, context, crm_file)
    dialog.columns_page.set_field("Why it happened", "cause")
    to_causes(qtbot, dialog)
    page = dialog.values_page
    pick(qtbot, page.pickers[2], "New cause in category…")
    assert asked[0][1] == "Martians"
    assert "Land" in asked[0][0]
    assert page.pickers[2].currentText() == "Other › Space debris (new)"
    before = count(context)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert causes_of(context, "Kim Poe") == {"Kim Poe": "Other › Space debris"}
    assert "New causes: Other › Space debris." in dialog.summary_page.details.text()
    assert "salesperson 'Quinn Newhire'" in dialog.summary_page.details.text()

    with qtbot.waitSignal(context.dataChanged, timeout=30_000):
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.undone is not None, timeout=30_000)
    assert count(context) == before
    assert (
        context.read(lambda s: s.scalar(select(Cause).where(Cause.name == "Space debris"))) is None
    )
    assert dialog.summary_page.headline.text() == (
        "The import was undone: 3 deals removed with their calls."
    )
    assert not dialog.undo_button.isEnabled()
    assert "Also removed: 0 new categories, 1 new cause, 1 new name." in (
        dialog.summary_page.details.text()
    )


def test_a_refused_import_says_each_problem_whole_and_writes_nothing(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.csv"
    good = "".join(f"Client {i},1000,2024-05-01,Other\n" for i in range(30))
    path.write_text(
        "client,contract_value,fell_through_on,cause\n"
        + good
        + "Bad\x00Name,1000,2024-05-02,Other\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, context, path)
    assert dialog.columns_page.problem_texts() == ["No problems in the first 20 rows."]
    to_causes(qtbot, dialog)
    before = count(context)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    problems = dialog.values_page.problems
    assert problems.text().split("\n") == [
        "Client: contains a control character, NUL (U+0000), in 1 row (32).",
        "Correct these in the file and import it again; nothing was imported.",
    ]
    assert problems.wordWrap()
    assert problems.isVisible()
    assert dialog.message.text() == "hostile.csv: 1 problem; nothing was imported."
    assert dialog.message.wordWrap()
    assert count(context) == before
    assert not [text for text in every_text(dialog) if "--" in text]


def test_an_unreadable_file_is_refused_whole_from_the_menu(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes("client,contract_value\n".encode("utf-16-le"))  # UTF-16 without its mark
    monkeypatch.setattr(ask, "ask_open_path", lambda *_a: str(path))
    warned: list[str] = []
    monkeypatch.setattr(ask, "warn", lambda _p, problem, _t="": warned.append(problem.message))
    window.import_action.trigger()
    assert warned == [
        "the file holds NUL bytes: it is UTF-16 without a byte-order mark, or not a text file; "
        "save it as CSV UTF-8 and import again"
    ]


def test_remembered_choices_fill_in_everything_for_the_next_file(
    qtbot: Any, context: AppContext, crm_file: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, context, crm_file)
    page = dialog.columns_page
    page.set_field("Why it happened", "cause")
    page.set_field("Pipeline", "community")
    page.date_order.setCurrentIndex(page.date_order.findData("mdy"))
    to_causes(qtbot, dialog)
    pick(qtbot, dialog.values_page.pickers[2], "Other › Other")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    idle(qtbot, dialog)
    assert "remembered for the next file" in dialog.summary_page.details.text()

    later = tmp_path / "later.csv"  # next month's export: the same headers, in another order
    later.write_text(
        "Pipeline,Deal Name,Amount,Close Date,Why it happened,Deal owner\n"
        "Homes,Lee Moe,7000,6/2/2024,Martians,Quinn Newhire\n",
        encoding="utf-8",
    )
    again = open_dialog(qtbot, context, later)
    chosen = {
        h: c.currentData()
        for h, c in zip(again.columns_page.headers, again.columns_page.combos, strict=True)
    }
    assert chosen["Why it happened"] == "cause"
    assert chosen["Pipeline"] == "community"
    to_causes(qtbot, again)
    assert [p.currentText() for p in again.values_page.pickers] == ["Other › Other"]
    assert again.values_page.cells[0][-1].text() == "As last time"
    assert again.values_page.needs_review() == []


def test_cancel_while_reading_or_importing_writes_nothing(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    rows = "".join(f"Client {i},1000,2024-05-01,Other\n" for i in range(20_000))
    path.write_text("client,contract_value,fell_through_on,cause\n" + rows, encoding="utf-8")
    dialog = open_dialog(qtbot, context, path)
    dialog.next_button.click()
    assert dialog.task is not None
    dialog.task.cancel()
    idle(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.columns_page
    assert dialog.message.text() == "Cancelled; nothing was imported."

    to_causes(qtbot, dialog)
    before = count(context)
    dialog.import_button.click()
    task = dialog.task
    assert task is not None
    task.cancel()
    idle(qtbot, dialog)
    assert dialog.message.text() == "Cancelled; nothing was imported."
    assert dialog.pages.currentWidget() is dialog.values_page
    assert count(context) == before


def test_file_import_from_the_menu(
    qtbot: Any, window: MainWindow, crm_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "ask_open_path", lambda *_a: str(crm_file))

    def go_through(dialog: ImportDialog) -> None:
        dialog.columns_page.set_field("Why it happened", "cause")
        dialog.columns_page.create_causes.setChecked(True)  # Martians becomes a new cause
        to_causes(qtbot, dialog)
        assert dialog.values_page.pickers[2].currentText() == "Add as a new cause"
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        idle(qtbot, dialog)
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    on_next_dialog(ImportDialog, go_through)
    before = window.deals_model.rowCount()
    window.import_action.trigger()
    assert window.deals_model.rowCount() == before + 3
    assert "Imported 3 deals" in window.statusBar().currentMessage()
    assert causes_of(window.context, "Kim Poe") == {"Kim Poe": "Imported causes › Martians"}


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
