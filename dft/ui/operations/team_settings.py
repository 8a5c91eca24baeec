"""Edit > Team settings…: change the settings everyone using the database shares."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from dft.core.team_settings import read_team_settings, write_team_settings
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.settings_dialog import TeamSettingsDialog
from dft.ui.operations.runner import run


def change_team_settings(parent: QWidget, context: AppContext) -> None:
    """Show the team's settings; store what was changed once the user saves."""
    before = context.read(read_team_settings)
    dialog = TeamSettingsDialog(before, parent)
    if not run_modal(dialog):
        return
    changed = {key: value for key, value in dialog.values().items() if before.get(key) != value}
    if not changed:
        return
    if run(parent, context, lambda: context.write(lambda s: write_team_settings(s, changed))):
        context.announce("Team settings saved.")
