"""Edit > Team settings…: the settings kept in the database, shared by everyone using it.

The settings, their limits and how a value is typed come from
:mod:`dft.core.team_settings`, which ``dft settings`` uses too, so the window and
the command line accept exactly the same values. A problem shows beside its field
as the user types; Save waits until there is none.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.team_settings import TEAM_SETTINGS, SettingKind, TeamSetting
from dft.ui.formatting import format_money
from dft.ui.widgets import FieldWithError, MoneyEdit

# The groups the dialog shows, and the settings in each (by key).
GROUPS = (
    ("Logging deals", (settings.CAUSE_REQUIRED, settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS)),
    ("Follow-up and win-back calls", (settings.CALLS_BY_SOMEONE_ELSE, settings.WIN_BACK_CALLS,
                                      settings.WIN_BACK_DAYS)),
    ("What the insights compare with", (settings.CARRYING_COST_CENTS_PER_DAY,
                                        settings.CANCELLATION_BENCHMARK_BASIS_POINTS)),
)  # fmt: skip
NOTE = (
    "These settings are kept in the database: they apply to everyone who uses it, "
    "and to deals and calls logged from now on."
)


class TeamSettingsDialog(QDialog):
    """The team's settings as a form; :meth:`values` is what to store once accepted."""

    def __init__(self, values: dict[str, int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team settings")
        self.setModal(True)
        self._settings = {s.key: s for s in TEAM_SETTINGS}
        self.inputs: dict[str, QWidget] = {}
        self.fields: dict[str, FieldWithError] = {}
        layout = QVBoxLayout(self)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        layout.addWidget(note)
        for title, keys in GROUPS:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                setting = self._settings[key]
                widget = self._input(setting, values.get(key))
                self.inputs[key] = widget
                self.fields[key] = FieldWithError(widget)
                label = "" if setting.kind is SettingKind.SWITCH else setting.label
                form.addRow(label, self.fields[key])
                explanation = QLabel(setting.explanation)
                explanation.setWordWrap(True)
                explanation.setStyleSheet("color: palette(mid);")
                form.addRow("", explanation)
            layout.addWidget(box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        win_back = self.inputs[settings.WIN_BACK_CALLS]
        assert isinstance(win_back, QCheckBox)
        win_back.toggled.connect(self.inputs[settings.WIN_BACK_DAYS].setEnabled)
        self.inputs[settings.WIN_BACK_DAYS].setEnabled(win_back.isChecked())
        self.validate()

    def _input(self, setting: TeamSetting, value: int | None) -> QWidget:
        widget: QWidget
        if setting.kind is SettingKind.SWITCH:
            check = QCheckBox(setting.label)
            check.setChecked(bool(value))
            check.toggled.connect(self.validate)
            widget = check
        elif setting.kind is SettingKind.DAYS:
            spin = QSpinBox()
            spin.setRange(*setting.limits)
            spin.setSuffix(" days")
            spin.setValue(value if value is not None else setting.limits[0])
            spin.valueChanged.connect(self.validate)
            widget = spin
        elif setting.kind is SettingKind.MONEY:
            money = MoneyEdit()
            money.setPlaceholderText(f"not entered (e.g. {format_money(4500)})")
            money.set_cents(value)
            money.textChanged.connect(self.validate)
            widget = money
        else:
            percent = QLineEdit("" if value is None else setting.format(value))
            percent.setPlaceholderText("not entered (e.g. 20%)")
            percent.textChanged.connect(self.validate)
            widget = percent
        widget.setAccessibleName(setting.label)
        widget.setToolTip(setting.explanation)
        return widget

    def _read(self, setting: TeamSetting) -> int | None:
        """The value typed for ``setting``; a ValidationError says what is wrong."""
        widget = self.inputs[setting.key]
        if isinstance(widget, QCheckBox):
            return 1 if widget.isChecked() else 0
        if isinstance(widget, QSpinBox):
            return setting.check(widget.value())
        if isinstance(widget, MoneyEdit):
            cents = widget.cents(setting.name)
            return None if cents is None else setting.check(cents)
        assert isinstance(widget, QLineEdit)
        return setting.parse(widget.text())

    def values(self) -> dict[str, int | None]:
        """Every setting's value as typed (call once :meth:`validate` is True)."""
        return {key: self._read(setting) for key, setting in self._settings.items()}

    def validate(self) -> bool:
        """Show each problem beside its field; Save only when there is none."""
        valid = True
        for key, setting in self._settings.items():
            try:
                self._read(setting)
            except ValidationError as error:
                self.fields[key].set_error(error.message)
                valid = False
            else:
                self.fields[key].set_error(None)
        self.save_button.setEnabled(valid)
        return valid

    def _save(self) -> None:
        if self.validate():
            self.accept()
