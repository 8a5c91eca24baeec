"""A save the database refused or could not take: say why, keep the form, offer a retry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from dft.store.database import ConnectionLostError, DatabaseError
from dft.ui.dialogs import run_modal

log = logging.getLogger("dft")
T = TypeVar("T")


def save_with_retry(parent: QWidget, save: Callable[[], T]) -> tuple[bool, T | None]:
    """Run ``save``; when the database refuses or cannot be reached, say so and offer
    to try again. (True, result) once saved; (False, None) when the user keeps editing.
    Other errors (a field's ValidationError, ...) are the caller's to show."""
    while True:
        try:
            return True, save()
        except DatabaseError as error:
            if not ask_retry_save(parent, error):
                return False, None


def ask_retry_save(parent: QWidget, error: DatabaseError) -> bool:
    """Tell the user nothing was saved and that what they typed is still there.

    Returns True when they want to try the same save again: offered when the
    server connection was lost, since that is the failure a retry can fix.
    """
    log.warning("Not saved: %s", error)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    lost = isinstance(error, ConnectionLostError)
    box.setWindowTitle("Connection lost" if lost else "Not saved")
    message = error.message[:1].upper() + error.message[1:]
    box.setText(message)
    box.setInformativeText(
        "Nothing was saved; what you typed is still in the form. "
        + ("Try again once the server is back." if lost else "Fix the cause and save again.")
    )
    retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole) if lost else None
    box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    run_modal(box)
    return retry is not None and box.clickedButton() is retry
