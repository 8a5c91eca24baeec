"""The deal editor: typed input lands in the table and the database; bad input never does."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from sqlalchemy import func, select

from dft.core import settings
from dft.core.deal_input import DealInput
from dft.core.models import Cause, Deal
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.main_window import MainWindow
from tests.ui.conftest import on_next_dialog


def deal_count(context: AppContext) -> int:
    return context.read(lambda s: s.scalar(select(func.count()).select_from(Deal)))


def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def test_a_deal_typed_into_the_editor_is_in_the_table_and_the_database(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "confirm_new_names", lambda *a: True)

    def fill(dialog: DealEditorDialog) -> None:
        qtbot.keyClicks(dialog.client_name, "Maria Lopez")
        qtbot.keyClicks(dialog.contract_number, "C-9001")
        qtbot.keyClicks(dialog.contract_value, "$412,500")
        dialog.fell_through_on.set_value(date(2026, 11, 20))
        dialog.signed_on.set_value(date(2026, 5, 14))
        choose(dialog.category, "Customer service")
        choose(dialog.cause, "Phone tag / voicemail runaround")
        dialog.salesperson.setEditText("Dana Whitfield")
        qtbot.keyClicks(dialog.lead_source.lineEdit(), "Referral")
        qtbot.keyClicks(dialog.notes, "Eight hours of phone tag for one appointment.")
        assert dialog.save_button.isEnabled(), dialog.errors
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, fill)
    window.new_deal_action.trigger()

    ids = window.selected_ids()
    assert len(ids) == 1
    row = window.deals_model.row_data(window.deals_model.row_of(ids[0]) or 0)
    assert row is not None
    assert (row.client_name, row.contract_value_cents, row.cause) == (
        "Maria Lopez",
        41_250_000,
        "Phone tag / voicemail runaround",
    )
    deal = window.context.read(lambda s: s.get(Deal, ids[0]))
    assert deal.contract_number == "C-9001"
    assert deal.signed_on == date(2026, 5, 14)
    assert deal.fell_through_on == date(2026, 11, 20)
    assert deal.notes == "Eight hours of phone tag for one appointment."
    assert "Maria Lopez" in window.detail.browser.toPlainText()


@pytest.fixture
def editor(qtbot: Any, context: AppContext) -> DealEditorDialog:
    saved: list[DealInput] = []

    def save(data: DealInput, _create: bool) -> bool:
        saved.append(data)
        return True

    dialog = DealEditorDialog(context, save)
    dialog.saved = saved  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.client_name, "Pat Example")
    qtbot.keyClicks(dialog.contract_value, "250000")
    dialog.fell_through_on.set_value(date(2026, 10, 15))
    choose(dialog.category, "Land")
    choose(dialog.cause, "Lot not buildable")
    assert dialog.save_button.isEnabled()
    return dialog


@pytest.mark.parametrize(
    ("break_it", "field", "message"),
    [
        (lambda d: d.client_name.clear(), "client_name", "Client name is required"),
        (lambda d: d.contract_value.setText("-1,000"), "contract_value", "negative"),
        (lambda d: d.contract_value.setText("lots"), "contract_value", "Not an amount"),
        (
            lambda d: d.signed_on.set_value(date(2026, 10, 20)),
            "fell_through_on",
            "cannot fall through before it was signed",
        ),
        (
            lambda d: d.fell_through_on.set_value(date(2027, 1, 1)),
            "fell_through_on",
            "future",
        ),
    ],
)
def test_invalid_input_disables_save_and_shows_next_to_the_field(
    qtbot: Any,
    editor: DealEditorDialog,
    break_it: Any,
    field: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ask, "confirm_discard_changes", lambda _parent: True)
    before = deal_count(editor._context)
    break_it(editor)
    assert not editor.save_button.isEnabled()
    error = editor.fields[field].error
    assert error.isVisible()
    assert message in error.text()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved == []  # type: ignore[attr-defined]
    cancel = editor.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert editor.result() == QDialog.DialogCode.Rejected
    assert deal_count(editor._context) == before


def test_fixing_the_field_clears_the_message_and_enables_save(
    qtbot: Any, editor: DealEditorDialog
) -> None:
    editor.client_name.clear()
    assert not editor.save_button.isEnabled()
    qtbot.keyClicks(editor.client_name, "Pat")
    assert editor.save_button.isEnabled()
    assert not editor.fields["client_name"].error.isVisible()


def test_escape_writes_nothing(
    qtbot: Any, editor: DealEditorDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "confirm_discard_changes", lambda _parent: True)
    before = deal_count(editor._context)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.result() == QDialog.DialogCode.Rejected
    assert editor.saved == []  # type: ignore[attr-defined]
    assert deal_count(editor._context) == before


def test_a_contract_number_in_use_is_flagged_while_typing(
    qtbot: Any, editor: DealEditorDialog
) -> None:
    used = editor._context.read(lambda s: s.scalar(select(Deal.contract_number).limit(1)))
    qtbot.keyClicks(editor.contract_number, used)
    assert not editor.save_button.isEnabled()
    assert "Already used by deal" in editor.fields["contract_number"].error.text()


def test_a_near_miss_name_is_pointed_out_and_a_new_name_needs_a_yes(
    qtbot: Any, editor: DealEditorDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor.salesperson.setEditText("Dana Whitfeld")
    assert "did you mean Dana Whitfield" in editor.fields["salesperson"].error.text()
    asked: list[object] = []
    monkeypatch.setattr(ask, "confirm_new_names", lambda _p, names: asked.append(names))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert asked == [[("salesperson", "Dana Whitfeld")]]
    assert editor.saved == []  # type: ignore[attr-defined]  # the answer was no


def test_a_fresh_form_waits_for_the_user_before_saying_required(
    qtbot: Any, context: AppContext
) -> None:
    dialog = DealEditorDialog(context, lambda *_a: True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    assert not dialog.fields["client_name"].error.isVisible()
    assert dialog.status_label.text() == "Fill in the fields marked * to save."
    qtbot.keyClicks(dialog.client_name, "P")
    qtbot.keyClick(dialog.client_name, Qt.Key.Key_Backspace)
    assert dialog.fields["client_name"].error.text() == "Client name is required."


def test_the_re_sale_typed_into_the_editor_lands_on_the_deal(
    qtbot: Any, window: MainWindow
) -> None:
    deal_id = window.selected_ids()[0]

    def fill(dialog: DealEditorDialog) -> None:
        fell = dialog.fell_through_on.value()
        qtbot.mouseClick(dialog.resold_on.check, Qt.MouseButton.LeftButton)
        dialog.resold_on.edit.set_value(fell)
        qtbot.keyClicks(dialog.resale_price, "$290,000")
        assert dialog.save_button.isEnabled(), dialog.errors
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, fill)
    window.edit_deal_action.trigger()

    deal = window.context.read(lambda s: s.get(Deal, deal_id))
    assert (deal.resold_on, deal.resale_price_cents) == (deal.fell_through_on, 29_000_000)
    assert "for $290,000.00" in window.detail.browser.toPlainText()


def test_a_re_sale_price_needs_its_date_and_a_readable_amount(
    qtbot: Any, editor: DealEditorDialog
) -> None:
    qtbot.keyClicks(editor.resale_price, "290000")
    row = editor.fields["resale_price"]
    assert not editor.save_button.isEnabled()
    assert row.error.text() == "Enter the date the home was re-sold with its re-sale price."
    editor.resold_on.set_value(date(2026, 10, 1))
    assert row.error.text() == "The home cannot be re-sold before the deal fell through."
    editor.resold_on.set_value(date(2026, 11, 2))
    assert editor.save_button.isEnabled()
    assert not row.error.isVisible()
    editor.resale_price.setText("lots")
    assert "Re-sale price: not an amount" in row.error.text()
    editor.resale_price.setText("$288,500.50")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    [saved] = editor.saved  # type: ignore[attr-defined]
    assert (saved.resold_on, saved.resale_price_cents) == (date(2026, 11, 2), 28_850_050)


def test_a_cause_is_required_and_not_known_yet_is_one_click(
    qtbot: Any, context: AppContext
) -> None:
    saved: list[DealInput] = []
    dialog = DealEditorDialog(context, lambda data, _c: saved.append(data) or True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.client_name, "Pat Example")
    qtbot.keyClicks(dialog.contract_value, "250000")
    assert not dialog.save_button.isEnabled()
    assert dialog.status_label.text() == "Fill in the fields marked * to save."
    qtbot.keyClick(dialog.category, Qt.Key.Key_Down)  # a category, but no cause yet
    assert dialog.category.currentText() == "Land"
    error = dialog.fields["cause"].error
    assert error.isVisible()
    assert "Unknown — pending call" in error.text()
    qtbot.mouseClick(dialog.pending_button, Qt.MouseButton.LeftButton)
    assert (dialog.category.currentText(), dialog.cause.currentText()) == (
        "Not yet known",
        "Unknown — pending call",
    )
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    pending = context.read(lambda s: s.scalar(select(Cause.id).where(Cause.key == "pending_call")))
    assert [d.cause_id for d in saved] == [pending]


def test_without_the_team_setting_a_deal_may_be_saved_without_a_cause(
    qtbot: Any, context: AppContext
) -> None:
    with context.sessions.begin() as session:
        settings.set_bool(session, settings.CAUSE_REQUIRED, False)
    dialog = DealEditorDialog(context, lambda *_a: True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.client_name, "Pat Example")
    qtbot.keyClicks(dialog.contract_value, "250000")
    assert dialog.save_button.isEnabled()
    assert dialog.cause.itemText(0) == "— not known yet —"


@pytest.mark.parametrize(
    "leave",
    [
        lambda qtbot, d: qtbot.keyClick(d, Qt.Key.Key_Escape),
        lambda qtbot, d: qtbot.mouseClick(
            d.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
        ),
        lambda _qtbot, d: d.close(),
    ],
    ids=["escape", "cancel", "close"],
)
def test_leaving_a_changed_form_asks_before_throwing_the_work_away(
    qtbot: Any, editor: DealEditorDialog, monkeypatch: pytest.MonkeyPatch, leave: Any
) -> None:
    asked: list[bool] = []
    answer = False
    monkeypatch.setattr(ask, "confirm_discard_changes", lambda _p: asked.append(answer) or answer)
    leave(qtbot, editor)
    assert asked == [False]
    assert editor.isVisible()  # kept open, with what was typed
    assert editor.client_name.text() == "Pat Example"
    answer = True
    leave(qtbot, editor)
    assert asked == [False, True]
    assert not editor.isVisible()
    assert editor.result() == QDialog.DialogCode.Rejected


def test_leaving_an_untouched_form_asks_nothing(
    qtbot: Any, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ask, "confirm_discard_changes", lambda _p: pytest.fail("asked"))
    dialog = DealEditorDialog(context, lambda *_a: True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_long_messages_under_the_fields_show_whole(qtbot: Any, editor: DealEditorDialog) -> None:
    editor.client_phone.setText("call me maybe, after five in the evening please")
    editor.client_email.setText("maria at example dot com")
    editor.crm_link.setText("crm/deals/2041")
    editor.contract_value.setText("-5")
    editor.signed_on.set_value(date(2026, 10, 20))
    editor.category.setCurrentIndex(0)
    shown = [f.error for f in editor.fields.values() if f.error.isVisible()]
    assert len(shown) >= 5

    def whole() -> bool:
        return all(
            label.height() >= label.heightForWidth(label.width())
            and label.visibleRegion().boundingRect().height() >= label.heightForWidth(label.width())
            for label in shown
        )

    qtbot.waitUntil(whole, timeout=3000)
    assert any(label.heightForWidth(label.width()) > label.fontMetrics().height() * 1.5
               for label in shown)  # fmt: skip  # some of them wrap onto more lines


def test_the_clients_phone_e_mail_and_crm_link_are_typed_in(
    qtbot: Any, editor: DealEditorDialog
) -> None:
    qtbot.keyClicks(editor.client_phone, "(919) 555-0142")
    qtbot.keyClicks(editor.client_email, "pat")
    assert not editor.save_button.isEnabled()
    assert "Not an e-mail address" in editor.fields["client_email"].error.text()
    qtbot.keyClicks(editor.client_email, "@example.com")
    qtbot.keyClicks(editor.crm_link, "https://crm.example.com/deals/7")
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    [data] = editor.saved  # type: ignore[attr-defined]
    assert (data.client_phone, data.client_email, data.crm_link) == (
        "(919) 555-0142",
        "pat@example.com",
        "https://crm.example.com/deals/7",
    )
