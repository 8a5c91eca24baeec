"""The main window driven as a user drives it: edit, undo, trash, calls, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolBar
from sqlalchemy import select

from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, update_deal
from dft.core.models import Deal, FollowUp
from dft.store.database import Database, open_database
from dft.store.location import sqlite_url
from dft.ui import ask, help_menu
from dft.ui.context import AppContext
from dft.ui.dialogs.call_dialog import CallDialog
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.main_window import MainWindow
from tests.ui.conftest import TODAY, on_next_dialog


def db_row(context: AppContext, deal_id: int) -> tuple[object, ...]:
    def read(session: Any) -> tuple[object, ...]:
        deal = session.get(Deal, deal_id)
        return (
            deal.client_name,
            deal.contract_value_cents,
            deal.notes,
            deal.cause_id,
            deal.cause_status,
            deal.deleted_at is None,
        )

    return context.read(read)


def select_first(window: MainWindow) -> int:
    window.select_row(0)
    [deal_id] = window.selected_ids()
    return deal_id


def test_edit_then_undo_and_redo_round_trip_the_database_row(
    qtbot: Any, window: MainWindow
) -> None:
    deal_id = select_first(window)
    original = db_row(window.context, deal_id)

    def edit(dialog: DealEditorDialog) -> None:
        dialog.client_name.setText("Renamed Client")
        dialog.contract_value.setText("$123,456.78")
        dialog.notes.setPlainText("Edited in the test.")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, edit)
    window.edit_deal_action.trigger()
    edited = db_row(window.context, deal_id)
    assert edited[:3] == ("Renamed Client", 12_345_678, "Edited in the test.")
    assert "Renamed Client" in window.detail.browser.toPlainText()

    window.undo_action.trigger()
    assert db_row(window.context, deal_id) == original
    window.redo_action.trigger()
    assert db_row(window.context, deal_id) == edited
    assert "Undo Edit deal Renamed Client" in window.undo_action.text().replace("&", "")
    # The toolbar keeps its size: the name is the button's tooltip, not its label.
    [toolbar] = window.findChildren(QToolBar)
    button = toolbar.widgetForAction(window.undo_action)
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert "Renamed Client" in button.toolTip()


def test_delete_goes_to_the_trash_with_undo_and_restores_from_the_trash(
    qtbot: Any, window: MainWindow
) -> None:
    deal_id = select_first(window)
    rows = window.deals_model.rowCount()
    window.trash_action.trigger()
    assert db_row(window.context, deal_id)[-1] is False
    assert window.deals_model.row_of(deal_id) is None
    assert window.deals_model.rowCount() == rows - 1

    window.undo_action.trigger()
    assert db_row(window.context, deal_id)[-1] is True
    assert window.deals_model.row_of(deal_id) is not None

    window.show_deal(deal_id)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert db_row(window.context, deal_id)[-1] is False
    window.tabs.setCurrentWidget(window.trash)
    trash = window.trash
    row = trash.model.row_of(deal_id)
    assert row is not None
    trash.table.selectRow(row)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert db_row(window.context, deal_id)[-1] is True
    assert trash.model.rowCount() == 0


def test_purging_from_the_trash_asks_first(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = select_first(window)
    window.trash_action.trigger()
    window.tabs.setCurrentWidget(window.trash)
    window.trash.table.selectRow(0)
    monkeypatch.setattr(ask, "confirm", lambda *a: False)
    qtbot.mouseClick(window.trash.purge_button, Qt.MouseButton.LeftButton)
    assert window.context.read(lambda s: s.get(Deal, deal_id)) is not None
    monkeypatch.setattr(ask, "confirm", lambda *a: True)
    qtbot.mouseClick(window.trash.purge_button, Qt.MouseButton.LeftButton)
    assert window.context.read(lambda s: s.get(Deal, deal_id)) is None


def _a_suspected_deal(window: MainWindow) -> int:
    return window.context.read(
        lambda s: s.scalar(
            select(Deal.id)
            .where(Deal.cause_status == "suspected", Deal.cause_id.is_not(None))
            .limit(1)
        )
    )


def test_a_reached_call_that_confirms_updates_the_cause_status(
    qtbot: Any, window: MainWindow
) -> None:
    deal_id = _a_suspected_deal(window)
    window.show_deal(deal_id)

    def log(dialog: CallDialog) -> None:
        dialog.outcome_buttons["reached"].click()
        dialog.confirm.click()
        qtbot.keyClicks(dialog.client_words, "Yes, it was the lot.")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(CallDialog, log)
    qtbot.mouseClick(window.detail.call_button, Qt.MouseButton.LeftButton)
    assert db_row(window.context, deal_id)[4] == "confirmed"
    words = window.context.read(
        lambda s: s.scalars(select(FollowUp.client_words).where(FollowUp.deal_id == deal_id)).all()
    )
    assert "Yes, it was the lot." in words
    assert "[Confirmed]" in window.detail.browser.toPlainText()
    window.undo_action.trigger()
    assert db_row(window.context, deal_id)[4] == "suspected"


def test_a_voicemail_cannot_confirm_the_cause(qtbot: Any, window: MainWindow) -> None:
    deal_id = _a_suspected_deal(window)
    window.show_deal(deal_id)

    def log(dialog: CallDialog) -> None:
        dialog.outcome_buttons["voicemail"].click()
        assert not dialog.cause_box.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(CallDialog, log)
    window.log_call_action.trigger()
    assert db_row(window.context, deal_id)[4] == "suspected"


def test_follow_ups_due_tab_logs_a_call_for_the_selected_row(
    qtbot: Any, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.follow_ups)
    view = window.follow_ups
    assert view.model.rowCount() > 0
    view.table.selectRow(0)
    deal_id, follow_up_id = view.selected() or (0, 0)

    def log(dialog: CallDialog) -> None:
        dialog.outcome_buttons["declined"].click()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(CallDialog, log)
    qtbot.mouseClick(view.log_button, Qt.MouseButton.LeftButton)
    outcome = window.context.read(lambda s: s.get(FollowUp, follow_up_id).outcome)
    assert outcome == "declined"
    assert all(
        view.model.row_at(r).follow_up_id != follow_up_id  # type: ignore[union-attr]
        for r in range(view.model.rowCount())
    )
    assert deal_id


def test_a_conflicting_edit_is_detected_and_the_user_decides(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = select_first(window)
    asked: list[str] = []

    def edit(dialog: DealEditorDialog) -> None:
        # Meanwhile, another instance saves the same deal.
        with window.context.sessions.begin() as other:
            theirs = get_deal(other, deal_id)
            update_deal(other, deal_id, with_changes(theirs.input, notes="Theirs"), today=TODAY)
        dialog.notes.setPlainText("Mine")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        if dialog.isVisible():  # kept open after "keep editing"
            monkeypatch.setattr(ask, "ask_conflict", _answer("overwrite", asked))
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    monkeypatch.setattr(ask, "ask_conflict", _answer("keep", asked))
    on_next_dialog(DealEditorDialog, edit)
    window.edit_deal_action.trigger()
    assert asked == ["keep", "overwrite"]
    assert db_row(window.context, deal_id)[2] == "Mine"


def _answer(choice: str, asked: list[str]) -> Any:
    def answer(_parent: Any, differences: list[tuple[str, Any, Any]]) -> str:
        assert ("Notes", "Mine", "Theirs") in differences  # both versions, side by side
        asked.append(choice)
        return choice

    return answer


def test_the_standard_shortcuts_are_bound(window: MainWindow) -> None:
    def keys(action: Any) -> set[str]:
        return {s.toString() for s in action.shortcuts()}

    assert "Ctrl+N" in keys(window.new_deal_action)
    assert "Ctrl+F" in keys(window.find_action)
    assert "Del" in keys(window.trash_action)
    assert "Ctrl+Q" in keys(window.quit_action)
    assert "Ctrl+Z" in keys(window.undo_action)
    assert "Ctrl+Shift+Z" in keys(window.redo_action)
    assert "Ctrl+E" in keys(window.edit_deal_action)
    shortcuts = help_menu.shortcuts_html(window)
    assert "New deal" in shortcuts
    assert QKeySequence("Ctrl+L").toString() in shortcuts


def test_ctrl_f_focuses_the_search(qtbot: Any, window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.follow_ups)
    window.find_action.trigger()
    assert window.tabs.currentIndex() == 0
    assert window.filter_bar.search.hasFocus()


def test_layout_and_filters_are_remembered(
    qtbot: Any, context: AppContext, seeded: Database, settings: QSettings
) -> None:
    first = MainWindow(context, open_database=lambda *_a: None)
    qtbot.addWidget(first)
    first.show()
    first.splitter.setSizes([500, 400])
    first.table.setColumnWidth(1, 321)
    first.filter_bar.search.setText("smith")
    first.filter_bar.overdue.setChecked(True)
    first.detail_action.trigger()
    first.close()

    second = MainWindow(AppContext(seeded, settings, today=lambda: TODAY), lambda *_a: None)
    qtbot.addWidget(second)
    second.show()
    assert second.table.columnWidth(1) == 321
    assert second.splitter.saveState() == first.splitter.saveState()
    assert second.filter_bar.search.text() == "smith"
    assert second.filter_bar.overdue.isChecked()
    assert second.deals_model.deal_filter.text == "smith"
    assert not second.detail_action.isChecked()
    assert seeded.location in str(second.context.settings.value("recentDatabases"))


def open_calls(window: MainWindow, deal_id: int) -> list[Any]:
    return window.context.read(
        lambda s: s.scalars(
            select(FollowUp.due_on).where(FollowUp.deal_id == deal_id, FollowUp.done_at.is_(None))
        ).all()
    )


def test_schedule_and_cancel_calls_with_undo(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    deal_id = select_first(window)
    before = open_calls(window, deal_id)
    monkeypatch.setattr(ask, "ask_date", lambda *a, **k: date(2026, 12, 1))
    qtbot.mouseClick(window.detail.schedule_button, Qt.MouseButton.LeftButton)
    assert sorted(open_calls(window, deal_id)) == sorted([*before, date(2026, 12, 1)])

    window.tabs.setCurrentWidget(window.follow_ups)
    view = window.follow_ups
    row = next(
        r
        for r in range(view.model.rowCount())
        if view.model.row_at(r).due_on == date(2026, 12, 1)  # type: ignore[union-attr]
    )
    view.table.selectRow(row)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert open_calls(window, deal_id) == before
    window.undo_action.trigger()
    assert date(2026, 12, 1) in open_calls(window, deal_id)
    window.undo_action.trigger()
    assert open_calls(window, deal_id) == before


def test_file_menu_backup_check_and_restore(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.store.backup import default_backup_dir, list_backups

    location = window.context.database.path
    assert location is not None
    window.backup_action.trigger()
    backups = list_backups(default_backup_dir(location))
    assert backups
    shown: list[str] = []
    monkeypatch.setattr(ask, "inform", lambda _p, message, _t: shown.append(message))
    window.check_action.trigger()
    assert shown[0].startswith("All good.")

    rows = window.deals_model.rowCount()
    deal_id = select_first(window)
    window.trash_action.trigger()
    monkeypatch.setattr(ask, "ask_open_path", lambda *_a: str(backups[0].path))
    monkeypatch.setattr(ask, "confirm", lambda *_a: True)
    monkeypatch.setattr(
        window, "_open_database", lambda _parent, loc: open_database(sqlite_url(Path(loc)))
    )
    window.restore_action.trigger()
    assert window.deals_model.rowCount() == rows
    assert window.deals_model.row_of(deal_id) is not None


def test_the_detail_pane_shows_who_changed_what(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DFT_USER", "priya")
    deal_id = select_first(window)

    def edit(dialog: DealEditorDialog) -> None:
        dialog.notes.setPlainText("Changed by Priya.")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, edit)
    window.edit_deal_action.trigger()
    text = window.detail.browser.toPlainText()
    assert "History" in text
    assert "priya Notes:" in text
    assert "Changed by Priya." in text
    assert window.detail.deal_id == deal_id


def test_your_name_is_recorded_on_what_you_log_and_remembered(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from dft.core import identity
    from tests.factories import add_deal

    def answer(dialog: QInputDialog) -> None:
        assert dialog.textValue() == identity.current_user()  # the name in use, to edit
        dialog.setTextValue("  Dana   Whitfield ")
        dialog.accept()

    on_next_dialog(QInputDialog, answer)
    window.your_name_action.trigger()
    deal_id = window.context.write(lambda s: add_deal(s, contract_number="NAME-1"))
    assert window.context.read(lambda s: s.get(Deal, deal_id).created_by) == "Dana Whitfield"

    identity.use_name(None)  # a new start of the app, same settings
    again = MainWindow(context, open_database=lambda *_a: None)
    qtbot.addWidget(again)
    assert identity.current_user() == "Dana Whitfield"


def test_a_call_that_meets_a_colleagues_change_keeps_the_form_and_says_so(
    qtbot: Any, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from dft.core.errors import ConflictError

    deal_id = select_first(window)
    told: list[str] = []

    def refuse(_call: dict[str, Any]) -> None:
        raise ConflictError("Someone else changed this deal while you were recording the call.")

    dialog = CallDialog(window.context, deal_id, refuse, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.client_words, "The lender pulled out.")
    dialog.outcome_buttons["reached"].click()

    def close(box: QMessageBox) -> None:
        told.append(box.text())
        box.accept()

    on_next_dialog(QMessageBox, close)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert told == ["Someone else changed this deal while you were recording the call."]
    assert dialog.isVisible()
    assert dialog.client_words.toPlainText() == "The lender pulled out."
