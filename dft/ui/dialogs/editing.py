"""What the Manage causes and Manage names dialogs share: asking for a name or a
choice, and running one change that the user is told about when it is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from dft.core.errors import DftError
from dft.ui.context import AppContext


class EditsLists:
    """A mixin for a widget with an AppContext in ``_context``."""

    _context: AppContext

    @classmethod
    def ask_text(cls, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok and value.strip() else None

    @classmethod
    def ask_choice(cls, parent: QWidget, title: str, label: str, items: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return value if ok else None

    def write_or_warn(self, work: Callable[[Session], Any]) -> tuple[bool, Any]:
        """(True, result) when the change was saved; else the user saw why, (False, None)."""
        try:
            return True, self._context.write(work)
        except DftError as exc:
            message = str(getattr(exc, "message", exc))
            QMessageBox.warning(cast(QWidget, self), "Cannot do that", message)
            return False, None
