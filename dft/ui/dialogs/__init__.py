"""Dialogs. Run them with :func:`run_modal` so each is freed when it closes."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def run_modal(dialog: QDialog) -> bool:
    """Show ``dialog`` modally; True when accepted.

    The dialog is deleted afterwards: one left alive as the window's child is
    destroyed in the middle of interpreter shutdown, which crashes PySide.
    """
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
