"""Who the user is: the name recorded on the deals and calls they log or change."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from dft.core.errors import ValidationError
from dft.core.identity import current_user, use_name
from dft.ui import ask
from dft.ui.context import AppContext

USER_NAME_SETTING = "userName"


def use_remembered_name(settings: QSettings) -> None:
    """Record changes under the name given in Edit > Your name on an earlier run, if any."""
    if settings.value(USER_NAME_SETTING):
        try:
            use_name(str(settings.value(USER_NAME_SETTING)))
        except ValidationError:  # kept by an older version that took any text: not used
            settings.remove(USER_NAME_SETTING)


def change_your_name(parent: QWidget, context: AppContext) -> None:
    """Edit > Your name: ask for the name to record, use it now and remember it."""
    name = ask.ask_text(
        parent,
        "Your name",
        "The name recorded on the deals and calls you log or change\n(empty: your login name):",
        current_user(),
        allow_empty=True,
    )
    if name is not None:
        try:
            use_name(name)
        except ValidationError as error:
            ask.warn(parent, error, "Your name")
            return
        context.settings.setValue(USER_NAME_SETTING, name.strip())
        context.announce(f"Changes are now recorded as {current_user()}.")
