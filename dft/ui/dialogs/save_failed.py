"""A save the database refused or could not take: say why, keep the form, offer a retry."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from dft.store.database import ConnectionLostError, DatabaseError
from dft.ui.dialogs import run_modal

log = logging.getLogger("dft")


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
