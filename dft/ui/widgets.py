"""Small input widgets the forms share."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dft.ui.formatting import date_format, format_money, from_qdate, parse_money_text, to_qdate


class DateEdit(QDateEdit):
    """A date with a calendar pop-up, in the locale's format."""

    def __init__(self, value: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(date_format())
        self.setDate(to_qdate(value))

    def value(self) -> date:
        """The date shown."""
        return from_qdate(self.date())

    def set_value(self, value: date) -> None:
        """Show ``value``."""
        self.setDate(to_qdate(value))


class OptionalDateEdit(QWidget):
    """A date that may be unknown: a checkbox switches the date on."""

    changed = Signal()

    def __init__(self, label: str, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label)
        self.edit = DateEdit(default)
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self.changed)
        self.edit.dateChanged.connect(self.changed)
        self.setFocusProxy(self.check)

    def value(self) -> date | None:
        """The date, or None while the box is unticked."""
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        """Show ``value``; None unticks the box."""
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.set_value(value)


class MoneyEdit(QLineEdit):
    """Money typed in the user's locale; shown formatted once the field is left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(format_money(41250000))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.editingFinished.connect(self._reformat)

    def cents(self, field: str) -> int | None:
        """The amount in cents, ``None`` when empty; raises ValidationError when unreadable."""
        if not self.text().strip():
            return None
        return parse_money_text(self.text(), field)

    def set_cents(self, cents: int | None) -> None:
        """Show an amount in cents (None: empty)."""
        self.setText("" if cents is None else format_money(cents))

    def _reformat(self) -> None:
        try:
            cents = self.cents("amount")
        except ValueError:
            return
        if cents is not None:
            self.setText(format_money(cents))


class NameCombo(QComboBox):
    """An editable list entry (salesperson, ...): completes from the list, accepts new text."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("")
        self.addItems(names)
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    def value(self) -> str | None:
        """The name typed or picked, spaces tidied; None when empty."""
        text = " ".join(self.currentText().split())
        return text or None

    def set_value(self, value: str | None) -> None:
        """Show ``value`` (None: empty)."""
        self.setEditText(value or "")


class WrappingLabel(QLabel):
    """A label that wraps its words and is always given the height they need.

    A plain word-wrapped QLabel in a form is sized for one line when the form lays
    out, and a longer message is cut off at top and bottom: this one asks for its
    wrapped height at every width it gets, so the dialog grows to show it whole.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(self.width()) if self.text() else 0
        if needed != self.minimumHeight():
            self.setMinimumHeight(max(needed, 0))


class FieldWithError(QWidget):
    """A form field with its validation message right below it."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.error = WrappingLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(field)
        layout.addWidget(self.error)
        self.setFocusProxy(field)

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field (None: hide it)."""
        message = (message[:1].upper() + message[1:]) if message else ""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.error.setAccessibleName(message or "")
