"""Edit > Team settings…: typed into the real widgets, checked beside each field, stored."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox

from dft.core import settings
from dft.core.team_settings import read_team_settings
from dft.ui.dialogs.settings_dialog import TeamSettingsDialog
from dft.ui.main_window import MainWindow
from dft.ui.widgets import MoneyEdit
from tests.ui.conftest import on_next_dialog


def tick(qtbot: Any, box: QCheckBox) -> None:
    """Click the box where the user does: on its square, not in the empty row beside it."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def stored(window: MainWindow) -> dict[str, int | None]:
    return window.context.read(read_team_settings)


def test_settings_typed_in_the_dialog_are_stored_for_everyone(
    qtbot: Any, window: MainWindow
) -> None:
    def change(dialog: TeamSettingsDialog) -> None:
        inputs = dialog.inputs
        win_back, days = inputs[settings.WIN_BACK_CALLS], inputs[settings.WIN_BACK_DAYS]
        assert isinstance(win_back, QCheckBox)
        assert isinstance(days, QSpinBox)
        assert not days.isEnabled()  # win-back calls are off
        tick(qtbot, win_back)
        assert days.isEnabled()
        days.setValue(120)
        rule = inputs[settings.CALLS_BY_SOMEONE_ELSE]
        assert isinstance(rule, QCheckBox)
        tick(qtbot, rule)
        money = inputs[settings.CARRYING_COST_CENTS_PER_DAY]
        assert isinstance(money, MoneyEdit)
        qtbot.keyClicks(money, "$45.50")
        percent = inputs[settings.CANCELLATION_BENCHMARK_BASIS_POINTS]
        assert isinstance(percent, QLineEdit)
        qtbot.keyClicks(percent, "12.5%")
        assert dialog.save_button.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(TeamSettingsDialog, change)
    window.team_settings_action.trigger()
    values = stored(window)
    assert values[settings.WIN_BACK_CALLS] == 1
    assert values[settings.WIN_BACK_DAYS] == 120
    assert values[settings.CALLS_BY_SOMEONE_ELSE] == 1
    assert values[settings.CARRYING_COST_CENTS_PER_DAY] == 4_550
    assert values[settings.CANCELLATION_BENCHMARK_BASIS_POINTS] == 1_250
    assert values[settings.CAUSE_REQUIRED] == 1  # untouched
    assert "Team settings saved." in window.statusBar().currentMessage()


def test_a_bad_value_shows_beside_its_field_and_nothing_is_stored(
    qtbot: Any, window: MainWindow
) -> None:
    window.context.write(lambda s: settings.set_int(s, settings.CARRYING_COST_CENTS_PER_DAY, 4_500))
    before = stored(window)
    seen: list[str] = []

    def try_it(dialog: TeamSettingsDialog) -> None:
        percent = dialog.inputs[settings.CANCELLATION_BENCHMARK_BASIS_POINTS]
        assert isinstance(percent, QLineEdit)
        qtbot.keyClicks(percent, "120")
        field = dialog.fields[settings.CANCELLATION_BENCHMARK_BASIS_POINTS]
        seen.append(field.error.text())
        assert not dialog.save_button.isEnabled()
        percent.setText("lots")
        seen.append(field.error.text())
        money = dialog.inputs[settings.CARRYING_COST_CENTS_PER_DAY]
        assert isinstance(money, MoneyEdit)
        assert money.text() == "$45.00"
        money.setText("-3")
        seen.append(dialog.fields[settings.CARRYING_COST_CENTS_PER_DAY].error.text())
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        dialog.reject()

    on_next_dialog(TeamSettingsDialog, try_it)
    window.team_settings_action.trigger()
    assert seen[0] == "Must be from 0% to 100%"
    assert seen[1].startswith("A percentage such as 20%")
    assert "negative" in seen[2]
    assert stored(window) == before


def test_an_optional_setting_emptied_is_not_entered_again(qtbot: Any, window: MainWindow) -> None:
    window.context.write(
        lambda s: settings.set_int(s, settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 2_000)
    )

    def clear(dialog: TeamSettingsDialog) -> None:
        percent = dialog.inputs[settings.CANCELLATION_BENCHMARK_BASIS_POINTS]
        assert isinstance(percent, QLineEdit)
        assert percent.text() == "20%"
        percent.clear()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(TeamSettingsDialog, clear)
    window.team_settings_action.trigger()
    assert stored(window)[settings.CANCELLATION_BENCHMARK_BASIS_POINTS] is None


def test_the_setting_is_in_the_edit_menu(window: MainWindow) -> None:
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.team_settings_action in edit.actions()
