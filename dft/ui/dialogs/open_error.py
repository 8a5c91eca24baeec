"""What the user sees when a database cannot be opened: what, where, and a way on."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from dft.store.database import DatabaseError
from dft.ui.dialogs import run_modal


class OpenChoice(Enum):
    OTHER = "other"
    NEW = "new"
    QUIT = "quit"


def ask_after_open_error(parent: QWidget | None, error: DatabaseError) -> OpenChoice:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Cannot open the database")
    box.setText(f"<b>{error.message}</b>")
    box.setInformativeText(
        f"File: {error.location}\n\nThe file was not changed. Open another database, or create "
        "a new one?"
    )
    other = box.addButton("Open another…", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Create new…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Cancel" if parent is not None else "Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(other)
    run_modal(box)
    if box.clickedButton() is other:
        return OpenChoice.OTHER
    if box.clickedButton() is new:
        return OpenChoice.NEW
    return OpenChoice.QUIT
