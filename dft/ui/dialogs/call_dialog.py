"""Log a follow-up call: who called, what happened, what the client said, and the cause."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
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
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core.deals import get_deal
from dft.core.errors import ConflictError, ValidationError
from dft.core.lists import list_entries
from dft.core.models import Salesperson
from dft.core.taxonomy import list_taxonomy
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.save_failed import save_with_retry
from dft.ui.formatting import date_format
from dft.ui.widgets import FieldWithError, NameCombo

OUTCOMES = (
    ("reached", "Reached the client"),
    ("voicemail", "Left a voicemail"),
    ("no_answer", "No answer"),
    ("declined", "Client declined to talk"),
)

CallCallback = Callable[[dict[str, Any]], None]


class CallDialog(QDialog):
    """Log a follow-up call; ``on_save(call)`` records it (raising keeps the dialog open)."""

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
        self.setWindowTitle(f"Follow-up call — {self.detail.input.client_name}")

        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(f"{date_format()} HH:mm")
        self.when.setAccessibleName("When")
        self.caller = NameCombo(people)
        self.caller.set_value(self.detail.input.salesperson)
        self.caller.setAccessibleName("Caller")
        self.caller.setToolTip("Who made the call")
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
        form.addRow("Caller", self.caller)
        form.addRow("Outcome", outcome_row)
        form.addRow("Client's words", self.client_words)
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
        self._update()

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
