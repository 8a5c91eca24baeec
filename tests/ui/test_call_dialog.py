"""The call dialog's helpers: a cause suggested from the client's words, the caller rule,
and win-back calls shown as such."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from dft.analytics.suggest import cause_suggester, training_examples
from dft.core import settings
from dft.core.choices import CallPurpose
from dft.core.follow_ups import record_follow_up
from dft.core.models import Deal, FollowUp
from dft.ui.context import AppContext
from dft.ui.dialogs.call_dialog import CallDialog
from dft.ui.main_window import FOLLOW_UPS_TAB, MainWindow
from tests.ui.conftest import on_next_dialog


def open_dialog(qtbot: Any, context: AppContext, deal_id: int, **kwargs: Any) -> CallDialog:
    calls: list[dict[str, Any]] = []
    dialog = CallDialog(context, deal_id, calls.append, **kwargs)
    dialog.saved = calls  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.helpersReady, timeout=10_000):
        dialog.show()
    return dialog


def a_deal_with_a_salesperson(context: AppContext, other_than_cause: int | None = None) -> int:
    query = select(Deal.id).where(Deal.salesperson_id.is_not(None), Deal.cause_id.is_not(None))
    if other_than_cause is not None:
        query = query.where(Deal.cause_id != other_than_cause)
    return int(context.read(lambda s: s.scalar(query.order_by(Deal.id).limit(1))))


def words_the_model_knows(context: AppContext) -> tuple[str, int, str]:
    """Client's words from this database whose suggestion is their own cause, that cause,
    and how the dialog should write how sure the model is."""

    def find(session: Any) -> tuple[str, int, str]:
        suggester = cause_suggester(session)
        for text, cause_id in training_examples(session, limit=200):
            [best] = suggester.suggest(text, top=1)
            if best.cause_id == cause_id and best.probability > 0.5:
                return text, cause_id, best.sure
        raise AssertionError("the sample data should teach the model something")

    return context.read(find)


def test_a_cause_is_suggested_as_the_client_is_quoted_and_applied_by_one_click(
    qtbot: Any, context: AppContext
) -> None:
    words, cause_id, sureness = words_the_model_knows(context)
    deal_id = a_deal_with_a_salesperson(context, other_than_cause=cause_id)
    dialog = open_dialog(qtbot, context, deal_id)
    assert dialog.suggestion_label.text() == ""
    assert not dialog.use_suggestion.isVisible()
    with qtbot.waitSignal(dialog.suggested, timeout=5000):
        qtbot.keyClicks(dialog.client_words, words)
    assert dialog.suggestion is not None
    assert dialog.suggestion.cause_id == cause_id
    assert f"{dialog.suggestion.cause}</b> — " in dialog.suggestion_label.text()
    assert dialog.suggestion_label.text().endswith(sureness)
    # Naive Bayes overstates how sure it is ("fairly sure (over 99%)"): words only.
    assert "%" not in dialog.suggestion_label.text()
    # Only a suggestion: the cause part of the form is as it was.
    assert dialog.confirm.isChecked()
    assert dialog.call()["cause_result"] == "confirmed"

    qtbot.mouseClick(dialog.use_suggestion, Qt.MouseButton.LeftButton)
    assert dialog.change.isChecked()
    assert dialog.new_cause.currentData() == cause_id
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [call] = dialog.saved  # type: ignore[attr-defined]
    assert (call["outcome"], call["cause_result"]) == ("reached", "changed")
    assert (call["changed_to_cause_id"], call["client_words"]) == (cause_id, words)


def test_the_suggestion_of_the_deals_own_cause_confirms_it(qtbot: Any, context: AppContext) -> None:
    words, cause_id, _sureness = words_the_model_knows(context)
    deal_id = context.read(
        lambda s: s.scalar(select(Deal.id).where(Deal.cause_id == cause_id).limit(1))
    )
    dialog = open_dialog(qtbot, context, deal_id)
    dialog.outcome_buttons["voicemail"].setChecked(True)
    dialog.keep.setChecked(True)
    with qtbot.waitSignal(dialog.suggested, timeout=5000):
        qtbot.keyClicks(dialog.client_words, words)
    qtbot.mouseClick(dialog.use_suggestion, Qt.MouseButton.LeftButton)
    assert dialog.outcome_buttons["reached"].isChecked()
    assert dialog.confirm.isChecked()


def test_no_words_no_suggestion(qtbot: Any, context: AppContext) -> None:
    dialog = open_dialog(qtbot, context, a_deal_with_a_salesperson(context))
    with qtbot.waitSignal(dialog.suggested, timeout=5000):
        qtbot.keyClicks(dialog.client_words, "zzzz qqqq")
    assert dialog.suggestion is None
    assert not dialog.use_suggestion.isVisible()


def test_with_the_rule_on_the_deals_own_salesperson_is_flagged_and_another_suggested(
    qtbot: Any, context: AppContext
) -> None:
    deal_id = a_deal_with_a_salesperson(context)
    rule_off = open_dialog(qtbot, context, deal_id)
    assert rule_off.caller.value() == rule_off.detail.input.salesperson
    assert not rule_off.caller_flag.isVisible()

    context.write(lambda s: settings.set_bool(s, settings.CALLS_BY_SOMEONE_ELSE, True))
    dialog = open_dialog(qtbot, context, deal_id)
    own = dialog.detail.input.salesperson
    assert dialog.caller_flag.isVisible()
    assert dialog.caller_flag.text().startswith("The team's rule: calls are made by someone ")
    suggested = dialog.use_caller.text().removeprefix("Use ")
    assert suggested not in ("", own)
    assert f"Suggested caller: {suggested}." in dialog.caller_flag.text()

    qtbot.mouseClick(dialog.use_caller, Qt.MouseButton.LeftButton)
    assert dialog.caller.value() == suggested
    assert not dialog.caller_flag.isVisible()
    dialog.caller.setEditText(own.upper())  # the same person, however it is typed
    qtbot.waitUntil(dialog.caller_flag.isVisible)
    qtbot.mouseClick(dialog.use_caller, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved[0]["caller"] == suggested  # type: ignore[attr-defined]


def test_win_back_calls_show_as_such(qtbot: Any, window: MainWindow) -> None:
    context = window.context
    context.write(lambda s: settings.set_bool(s, settings.WIN_BACK_CALLS, True))
    service = context.read(
        lambda s: s.scalar(
            select(Deal.id)
            .where(~Deal.follow_ups.any(FollowUp.purpose == CallPurpose.WIN_BACK.value))
            .where(Deal.cause.has(name="Rude or dismissive remark"))
            .limit(1)
        )
    )
    context.write(
        lambda s: record_follow_up(s, service, outcome="reached", caller="Lena Ortiz",
                                   done_at=datetime(2026, 11, 23, 9), cause_result="confirmed")
    )  # fmt: skip
    window.show_deal(service)
    assert "win-back call" in window.detail.browser.toPlainText()

    window.tabs.setCurrentIndex(FOLLOW_UPS_TAB)
    view = window.follow_ups
    rows = [view.model.row_at(r) for r in range(view.model.rowCount())]
    row = next(r for r, due in enumerate(rows) if due and due.deal_id == service
               and due.purpose == CallPurpose.WIN_BACK)  # fmt: skip
    column = view.model.columnCount() - 1
    assert view.model.headerData(column, Qt.Orientation.Horizontal) == "Call"
    assert view.model.index(row, column).data() == "Win-back"
    view.table.selectRow(row)
    titles: list[str] = []
    on_next_dialog(CallDialog, lambda d: (titles.append(d.windowTitle()), d.reject()))
    view.log_selected()
    [title] = titles
    assert title.startswith("Win-back call — ")
