"""What the user sees when a database cannot be opened: what, where, and a way on."""

from __future__ import annotations

from enum import Enum
from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from dft.store.database import ConnectionLostError, DatabaseError
from dft.ui.dialogs import run_modal


class OpenChoice(Enum):
    RETRY = "retry"
    OTHER = "other"
    NEW = "new"
    QUIT = "quit"


def ask_after_open_error(parent: QWidget | None, error: DatabaseError) -> OpenChoice:
    """Say what is wrong; offer another file, a new one, or (server unreachable) a retry."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Cannot open the database")
    box.setText(f"<b>{escape(error.message[:1].upper() + error.message[1:])}</b>")
    on_server = "://" in error.location
    box.setInformativeText(
        f"{'Database' if on_server else 'File'}: {error.location}\n\n"
        f"{'Nothing was changed' if on_server else 'The file was not changed'}. "
        "Open another database, or create a new one?"
    )
    retry = (
        box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        if isinstance(error, ConnectionLostError)
        else None
    )
    other = box.addButton("Open another…", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Create new…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Cancel" if parent is not None else "Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry or other)
    run_modal(box)
    if retry is not None and box.clickedButton() is retry:
        return OpenChoice.RETRY
    if box.clickedButton() is other:
        return OpenChoice.OTHER
    if box.clickedButton() is new:
        return OpenChoice.NEW
    return OpenChoice.QUIT
