"""Log a follow-up call: who called, what happened, what the client said, and the cause.

While the client's words are typed the dialog suggests a cause from them
(:mod:`dft.analytics.suggest`, learned on this database's own calls): the model is
trained off the GUI thread when the dialog opens, and a suggestion, a fraction of a
millisecond (the benchmarks measure it: well under 50 ms), runs once typing pauses.
It says how sure it is and is applied only when the user clicks it. With the team's
rule that someone other than the deal's salesperson makes the call, a caller who
breaks it is flagged beside the field, with another caller suggested.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core.callers import CallerAdvice, advise_caller, same_person
from dft.core.choices import CallPurpose
from dft.core.deals import get_deal
from dft.core.errors import ConflictError, DftError, ValidationError
from dft.core.lists import list_entries
from dft.core.models import Salesperson
from dft.core.taxonomy import list_taxonomy
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.save_failed import save_with_retry
from dft.ui.formatting import date_format
from dft.ui.widgets import FieldWithError, NameCombo
from dft.ui.worker import BackgroundRead

if TYPE_CHECKING:
    from dft.analytics.suggest import CauseSuggester, Suggestion

OUTCOMES = (
    ("reached", "Reached the client"),
    ("voicemail", "Left a voicemail"),
    ("no_answer", "No answer"),
    ("declined", "Client declined to talk"),
)

CallCallback = Callable[[dict[str, Any]], None]

# How long typing pauses before the words are read for a suggestion, and the caller checked.
TYPING_PAUSE_MS = 300
FLAG_STYLE = "color: #c0392b;"


class CallDialog(QDialog):
    """Log a follow-up call; ``on_save(call)`` records it (raising keeps the dialog open)."""

    helpersReady = Signal()  # the cause model and the caller advice have arrived
    suggested = Signal()  # the suggestion shown was brought up to date with the words

    def __init__(
        self,
        context: AppContext,
        deal_id: int,
        on_save: CallCallback,
        follow_up_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_save = on_save
        self._follow_up_id = follow_up_id

        def load(session: Session) -> tuple[Any, ...]:
            return (
                get_deal(session, deal_id),
                [e.name for e in list_entries(session, Salesperson)],
                list_taxonomy(session, include_retired=False),
            )

        self.detail, people, self._taxonomy = context.read(load)
        win_back = any(
            c.id == follow_up_id and c.purpose == CallPurpose.WIN_BACK
            for c in self.detail.follow_ups
        )
        kind = "Win-back call" if win_back else "Follow-up call"
        self.setWindowTitle(f"{kind} — {self.detail.input.client_name}")
        self._suggester: CauseSuggester | None = None
        self._advice: CallerAdvice | None = None
        self.suggestion: Suggestion | None = None

        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(f"{date_format()} HH:mm")
        self.when.setAccessibleName("When")
        self.caller = NameCombo(people)
        self.caller.set_value(self.detail.input.salesperson)
        self.caller.setAccessibleName("Caller")
        self.caller.setToolTip("Who made the call")
        self.caller_flag = QLabel()
        self.caller_flag.setWordWrap(True)
        self.caller_flag.setStyleSheet(FLAG_STYLE)
        self.caller_flag.setAccessibleName("Caller rule")
        self.caller_flag.hide()
        self.use_caller = QPushButton()
        self.use_caller.setToolTip("Put the suggested caller in the Caller field")
        self.use_caller.hide()
        caller_row = QWidget()
        caller_layout = QHBoxLayout(caller_row)
        caller_layout.setContentsMargins(0, 0, 0, 0)
        caller_layout.addWidget(self.caller, 1)
        caller_layout.addWidget(self.use_caller)
        caller_box = QWidget()
        caller_box_layout = QVBoxLayout(caller_box)
        caller_box_layout.setContentsMargins(0, 0, 0, 0)
        caller_box_layout.setSpacing(1)
        caller_box_layout.addWidget(caller_row)
        caller_box_layout.addWidget(self.caller_flag)
        self.outcome_group = QButtonGroup(self)
        outcome_row = QWidget()
        outcome_layout = QVBoxLayout(outcome_row)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for value, label in OUTCOMES:
            button = QRadioButton(label)
            button.setAccessibleName(label)
            self.outcome_group.addButton(button)
            self.outcome_buttons[value] = button
            outcome_layout.addWidget(button)
        self.outcome_buttons["reached"].setChecked(True)
        self.client_words = QPlainTextEdit()
        self.client_words.setPlaceholderText("What the client said, in their words")
        self.client_words.setAccessibleName("Client's words")
        self.client_words.setTabChangesFocus(True)
        self.client_words.setMaximumHeight(80)
        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setAccessibleName("Suggested cause")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        self.use_suggestion = QPushButton("Use this cause")
        self.use_suggestion.setToolTip("Set the cause below to the suggestion (nothing is saved)")
        self.use_suggestion.hide()
        suggestion_row = QHBoxLayout()
        suggestion_row.setContentsMargins(0, 0, 0, 0)
        suggestion_row.addWidget(self.suggestion_label, 1)
        suggestion_row.addWidget(self.use_suggestion)
        words_box = QWidget()
        words_layout = QVBoxLayout(words_box)
        words_layout.setContentsMargins(0, 0, 0, 0)
        words_layout.setSpacing(2)
        words_layout.addWidget(self.client_words)
        words_layout.addLayout(suggestion_row)

        current = (
            f"{self.detail.category} › {self.detail.cause}"
            if self.detail.cause
            else "no cause recorded yet"
        )
        self.keep = QRadioButton("Leave the cause as it is")
        self.confirm = QRadioButton(f"Confirm: {current}")
        self.confirm.setEnabled(self.detail.cause is not None)
        self.change = QRadioButton("Change it to:")
        self.cause_group = QButtonGroup(self)
        for button in (self.keep, self.confirm, self.change):
            self.cause_group.addButton(button)
        (self.confirm if self.detail.cause else self.keep).setChecked(True)
        self.new_category = QComboBox()
        self.new_category.setAccessibleName("New cause category")
        self.new_cause = QComboBox()
        self.new_cause.setAccessibleName("New cause")
        for category in self._taxonomy:
            self.new_category.addItem(category.name, category.id)
        self.new_category.currentIndexChanged.connect(self._fill_causes)
        self._fill_causes()
        change_row = QHBoxLayout()
        change_row.addWidget(self.change)
        change_row.addWidget(self.new_category, 1)
        change_row.addWidget(self.new_cause, 2)
        cause_box = QGroupBox("The cause")
        cause_layout = QVBoxLayout(cause_box)
        cause_layout.addWidget(self.keep)
        cause_layout.addWidget(self.confirm)
        cause_layout.addLayout(change_row)
        self.cause_box = cause_box
        self.cause_error = QLabel()
        self.cause_error.setStyleSheet("color: #c0392b;")
        cause_layout.addWidget(self.cause_error)

        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Anything else (next steps, who to inform)")
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(60)

        form = QFormLayout()
        self.when_field = FieldWithError(self.when)
        form.addRow("When", self.when_field)
        form.addRow("Caller", caller_box)
        form.addRow("Outcome", outcome_row)
        form.addRow("Client's words", words_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(cause_box)
        layout.addWidget(QLabel("Notes"))
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.outcome_group.buttonToggled.connect(self._update)
        self.cause_group.buttonToggled.connect(self._update)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self._words_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._words_timer.timeout.connect(self._suggest)
        self.client_words.textChanged.connect(self._words_timer.start)
        self._caller_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._caller_timer.timeout.connect(self._check_caller)
        self.caller.editTextChanged.connect(lambda _text: self._caller_timer.start())
        self.use_suggestion.clicked.connect(self.apply_suggestion)
        self.use_caller.clicked.connect(self._use_suggested_caller)
        self._update()
        self._read_helpers(context, deal_id)

    # -- The cause model and the caller rule, read off the GUI thread ---------------------

    def _read_helpers(self, context: AppContext, deal_id: int) -> None:
        # Loaded here, not when the app starts: the window opens without it.
        from dft.analytics.suggest import cause_suggester

        today = context.today()

        def read(session: Session) -> tuple[CauseSuggester, CallerAdvice]:
            # The caller is judged here as it is typed; the read gives the rule and a
            # suggestion (it counts everyone's recent calls: not on the GUI thread).
            return cause_suggester(session), advise_caller(session, deal_id, None, today=today)

        self._reader = BackgroundRead(self)
        self._reader.finished.connect(self._helpers_arrived)
        self._reader.start(lambda: context.read(read))

    def _helpers_arrived(self, helpers: Any, error: BaseException | None) -> None:
        if error is not None:
            if not isinstance(error, DftError):
                raise error
            return  # no suggestions today; the call can be logged all the same
        self._suggester, self._advice = helpers
        self._suggest()
        self._check_caller()
        self.helpersReady.emit()

    # -- A cause from the client's words ----------------------------------------------

    def _suggest(self) -> None:
        words = self.client_words.toPlainText()
        found = self._suggester.suggest(words, top=1) if self._suggester else []
        self.suggestion = found[0] if found else None
        if self.suggestion is None:
            self.suggestion_label.setText("")
            self.use_suggestion.hide()
        else:
            s = self.suggestion
            where = f"{s.category} › {s.cause}" if s.category else s.cause
            self.suggestion_label.setText(
                f"Suggested from the client's words: <b>{escape(where)}</b> — {s.sure}"
            )
            self.use_suggestion.show()
        self.suggested.emit()

    def apply_suggestion(self) -> None:
        """Set the cause part of the form to the suggestion: confirm it when it is the
        deal's cause already, else change to it. Nothing is saved until Save."""
        if self.suggestion is None:
            return
        cause_id = self.suggestion.cause_id
        self.outcome_buttons["reached"].setChecked(True)
        if cause_id == self.detail.input.cause_id:
            self.confirm.setChecked(True)
            return
        for category in self._taxonomy:
            if any(c.id == cause_id for c in category.causes):
                self.new_category.setCurrentIndex(self.new_category.findData(category.id))
                self.new_cause.setCurrentIndex(self.new_cause.findData(cause_id))
        self.change.setChecked(True)

    # -- Who calls ---------------------------------------------------------------------

    def caller_advice(self) -> CallerAdvice | None:
        """What the team's rule says about the caller typed (None until it is known)."""
        if self._advice is None:
            return None
        own = same_person(self.caller.value(), self.detail.input.salesperson)
        return CallerAdvice(self._advice.rule_on, own, self._advice.suggestion)

    def _check_caller(self) -> None:
        advice = self.caller_advice()
        breaks = advice is not None and advice.breaks_rule
        self.caller_flag.setText(advice.message if advice is not None and breaks else "")
        self.caller_flag.setVisible(breaks)
        suggestion = advice.suggestion if advice is not None and breaks else None
        self.use_caller.setText(f"Use {suggestion}" if suggestion else "")
        self.use_caller.setVisible(bool(suggestion))

    def _use_suggested_caller(self) -> None:
        if self._advice is not None and self._advice.suggestion:
            self.caller.set_value(self._advice.suggestion)
            self._check_caller()

    def _fill_causes(self) -> None:
        self.new_cause.clear()
        for category in self._taxonomy:
            if category.id == self.new_category.currentData():
                for cause in category.causes:
                    self.new_cause.addItem(cause.name, cause.id)

    def outcome(self) -> str:
        """The outcome chosen: reached, voicemail, no_answer or declined."""
        return next(v for v, b in self.outcome_buttons.items() if b.isChecked())

    def _update(self) -> None:
        reached = self.outcome() == "reached"
        self.cause_box.setEnabled(reached)
        self.cause_box.setToolTip(
            "" if reached else "Only a call that reached the client can confirm or change the cause"
        )
        changing = reached and self.change.isChecked()
        self.new_category.setEnabled(changing)
        self.new_cause.setEnabled(changing)

    def call(self) -> dict[str, Any]:
        """What the form holds, as the keyword arguments of record_follow_up."""
        reached = self.outcome() == "reached"
        cause_result = None
        changed_to = None
        if reached and self.confirm.isChecked():
            cause_result = "confirmed"
        elif reached and self.change.isChecked():
            cause_result = "changed"
            changed_to = self.new_cause.currentData()
        when = self.when.dateTime().toPython()
        assert isinstance(when, datetime)
        return {
            "outcome": self.outcome(),
            "done_at": when.replace(second=0, microsecond=0),
            "caller": self.caller.value(),
            "client_words": self.client_words.toPlainText(),
            "cause_result": cause_result,
            "changed_to_cause_id": changed_to,
            "notes": self.notes.toPlainText(),
            "follow_up_id": self._follow_up_id,
        }

    def _save(self) -> None:
        try:
            saved, _ = save_with_retry(self, lambda: self._on_save(self.call()))
        except ValidationError as exc:
            if exc.field == "done_at":
                self.when_field.set_error(exc.message)
            else:
                self.cause_error.setText(exc.message)
            return
        except ConflictError as exc:  # another desk changed the deal meanwhile
            ask.warn(self, str(exc), "Changed by someone else")
            return
        if saved:
            self.accept()
